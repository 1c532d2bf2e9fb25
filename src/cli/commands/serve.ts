import { createLogger, sanitize } from '../../log/index.js';
import { startDaemon } from '../../server/daemon.js';
import type { CommandDefinition } from '../app.js';
import { EXIT } from '../exit-codes.js';
import { JSON_SCHEMA_VERSION } from '../output.js';

interface ServeOptions {
  json?: boolean;
}

/**
 * `gate serve`: runs the daemon in the foreground until SIGTERM or SIGINT. The first signal stops
 * it gracefully (running pushes and syncs get the grace period); a second one exits at once.
 */
export const defineServe: CommandDefinition = (program, app) => {
  program
    .command('serve')
    .summary('run the daemon: the git endpoint for containers, the admin API and the scheduler')
    .description('Serve every project\'s gate to containers over smart HTTP and the admin API on its socket,\nsyncing each project on its sync.interval. Listen addresses come from the serve section of config.yaml.\nStops gracefully on SIGTERM or SIGINT.')
    .option('--json', 'print the listen addresses as one JSON object on one line')
    .action(app.action<ServeOptions>(async (ctx) => {
      const global = await ctx.global();
      // A daemon logs its decisions (audit lines) unless told otherwise.
      const logger = createLogger({ level: ctx.verbose ? 'debug' : global.log.level ?? 'info', destination: ctx.io.stderr });
      const daemon = await startDaemon({ paths: ctx.paths, global, logger });
      if (ctx.out.json) {
        const document = { schemaVersion: JSON_SCHEMA_VERSION, command: 'serve', git: daemon.gitListeners, admin: daemon.adminListener, projects: daemon.state.projects().map((p) => p.name), skipped: daemon.skipped };
        ctx.io.stdout.write(`${sanitize(JSON.stringify(document))}\n`);
      } else {
        for (const address of daemon.gitListeners) ctx.out.print(`git: ${address}`);
        ctx.out.print(`admin: ${daemon.adminListener}`);
        for (const skipped of daemon.skipped) ctx.out.diag(`gate: project ${skipped.name} is not served (${skipped.code}); run \`gate doctor\``);
      }
      await untilSignal(() => {
        if (!ctx.out.json) ctx.out.diag('stopping … (send the signal again to exit at once)');
      });
      await daemon.stop();
      return EXIT.ok;
    }));
};

// Resolves on the first SIGTERM/SIGINT; a second one ends the process at once.
function untilSignal(onFirst: () => void): Promise<void> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals) => {
      if (received) process.exit(signal === 'SIGINT' ? 130 : 143);
      received = true;
      onFirst();
      resolve();
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}
