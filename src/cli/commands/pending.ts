import type { CommandDefinition } from '../app.js';
import { EXIT } from '../exit-codes.js';
import { pendingLines } from '../format/changes.js';
import { pendingJson } from '../json-shapes.js';
import { withProjectGate } from '../open-gate.js';

/** `gate pending <project>`: destructive changes waiting since the last sync (no network). */
export const definePending: CommandDefinition = (program, app) => {
  program
    .command('pending')
    .summary('list destructive changes waiting for confirmation')
    .argument('<project>', 'project name')
    .option('--json', 'print JSON')
    .action(app.action<{ json?: boolean }>(async (ctx, [name]) => {
      return withProjectGate(ctx, name!, {}, async ({ gate, project }) => {
        const pending = await gate.pendingOps();
        if (ctx.out.json) ctx.out.emit('pending', { project: project.name, pending: pending.map(pendingJson) });
        else if (pending.length === 0) ctx.out.print(`nothing pending for ${project.name}`);
        else {
          for (const line of pendingLines(pending, ctx.out.style)) ctx.out.print(line);
          ctx.out.print(`apply with \`gate apply ${project.name} --all\` or --branch B (each branch's old tip is backed up first)`);
        }
        return EXIT.ok;
      });
    }));
};
