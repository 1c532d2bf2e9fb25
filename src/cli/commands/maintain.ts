import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { GateError } from '../../errors/index.js';
import type { CommandDefinition } from '../app.js';
import { EXIT } from '../exit-codes.js';
import { seconds, table } from '../format/text.js';
import { cancellable } from '../interrupt.js';
import { maintenanceJson } from '../json-shapes.js';
import { withProjectGate } from '../open-gate.js';

/** `gate maintain <project>`: the gate's explicit maintenance (gates never run git's auto gc), for cron. */
export const defineMaintain: CommandDefinition = (program, app) => {
  program
    .command('maintain')
    .summary('pack refs, repack and extend the commit-graph of a gate')
    .description('Packs loose refs, rolls loose objects and small packs into bigger packs, and extends the commit-graph.\nSafe while containers push; no object is deleted. `gate serve` runs the same maintenance on its own.')
    .argument('<project>', 'project name')
    .option('--json', 'print JSON')
    .action(app.action<{ json?: boolean }>(async (ctx, [name]) => {
      return withProjectGate(ctx, name!, {}, async ({ gate, project }) => {
        // Checked before the lock is taken: a gate never synced gets nothing written beside it,
        // and the fix names the command that creates it.
        if (!existsSync(project.gate.path)) {
          throw new GateError('GATE_NOT_A_GATE', `the gate of ${project.name} does not exist yet (${project.gate.path})`, {
            fix: `Create it with \`gate sync ${project.name}\`, then maintain it.`,
            details: { project: project.name },
          });
        }
        const started = performance.now();
        const report = await cancellable(ctx, (signal) => gate.maintain({ signal }));
        const durationMs = Math.round(performance.now() - started);
        if (ctx.out.json) ctx.out.emit('maintain', { project: project.name, ...maintenanceJson(report), durationMs });
        else {
          for (const line of table(report.steps.map((s) => [s.step, `${s.durationMs} ms`]))) ctx.out.print(line);
          ctx.out.print(`${ctx.out.style.bold(`maintained ${project.name}`)} in ${seconds(durationMs)}`);
        }
        return EXIT.ok;
      });
    }));
};
