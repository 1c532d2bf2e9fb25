import type { CommandDefinition } from '../app.js';
import { EXIT } from '../exit-codes.js';
import { planLines } from '../format/sync-report.js';
import { cancellable } from '../interrupt.js';
import { planJson } from '../json-shapes.js';
import { withProjectGate } from '../open-gate.js';
import { collect } from './options.js';

interface PlanOptions {
  branch: string[];
  usePersonalSsh?: boolean;
  json?: boolean;
}

/** `gate plan <project>`: what sync would do now; nothing visible changes. */
export const definePlan: CommandDefinition = (program, app) => {
  program
    .command('plan')
    .summary('show what sync would do, without doing it')
    .argument('<project>', 'project name')
    .option('--branch <branch>', 'only this branch (repeatable)', collect, [])
    .option('--use-personal-ssh', 'use your own SSH agent and set-up for an SSH upstream')
    .option('--json', 'print JSON')
    .action(app.action<PlanOptions>(async (ctx, [name], options) => {
      return withProjectGate(ctx, name!, { usePersonalSsh: options.usePersonalSsh }, async ({ gate, project }) => {
        const plan = await cancellable(ctx, (signal) => gate.plan({ branches: options.branch.length > 0 ? options.branch : project.sync.branches, signal }));
        if (ctx.out.json) ctx.out.emit('plan', { project: project.name, ...planJson(plan) });
        else for (const line of planLines(project.name, plan, ctx.out.style)) ctx.out.print(line);
        return EXIT.ok;
      });
    }));
};
