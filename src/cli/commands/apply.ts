import { GateError } from '../../errors/index.js';
import type { CommandDefinition } from '../app.js';
import { EXIT } from '../exit-codes.js';
import { appliedOpLines } from '../format/sync-report.js';
import { applyJson } from '../json-shapes.js';
import { withProjectGate } from '../open-gate.js';
import { collect } from './options.js';

interface ApplyOptions {
  all?: boolean;
  branch: string[];
  json?: boolean;
}

/** `gate apply <project> --all | --branch B…`: applies pending ops; running it is the confirmation. */
export const defineApply: CommandDefinition = (program, app) => {
  program
    .command('apply')
    .summary('apply pending destructive changes (backups are written first)')
    .argument('<project>', 'project name')
    .option('--all', 'apply every pending change')
    .option('--branch <branch>', 'apply the pending change of this branch (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(app.action<ApplyOptions>(async (ctx, [name], options) => {
      if (options.all === true && options.branch.length > 0) throw new GateError('GATE_USAGE', 'give either --all or --branch, not both', { fix: `Run \`gate apply ${name} --all\` or \`gate apply ${name} --branch B\`.` });
      if (options.all !== true && options.branch.length === 0) throw new GateError('GATE_USAGE', 'say what to apply: --all or --branch B', { fix: `Review with \`gate pending ${name}\`, then run \`gate apply ${name} --all\` or --branch B.` });
      return withProjectGate(ctx, name!, {}, async ({ gate, project }) => {
        const pending = await gate.pendingOps();
        const missing = options.branch.filter((branch) => !pending.some((op) => op.branch === branch));
        if (missing.length > 0) {
          throw new GateError('GATE_BRANCH_NOT_FOUND', `no pending change for branch ${missing.join(', ')} of ${project.name}`, { fix: `List what is pending with \`gate pending ${project.name}\`.` });
        }
        const chosen = options.all ? pending : pending.filter((op) => options.branch.includes(op.branch));
        const result = await gate.applyPendingOps(chosen);
        if (ctx.out.json) ctx.out.emit('apply', { project: project.name, ...applyJson(result) });
        else if (chosen.length === 0) ctx.out.print(`nothing pending for ${project.name}`);
        else for (const line of appliedOpLines(result, ctx.out.style)) ctx.out.print(line);
        if (result.refused.length > 0) {
          ctx.out.error({ code: 'GATE_PENDING_STALE', message: `${result.refused.length} change(s) no longer matched the gate and were not applied`, fix: `Run \`gate sync ${project.name}\` and apply the fresh list.` });
          return EXIT.failure;
        }
        return EXIT.ok;
      });
    }));
};
