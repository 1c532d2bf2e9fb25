import type { GateContext } from './context.js';

/** What maintenance did. */
export interface MaintenanceReport {
  steps: Array<{ step: string; durationMs: number }>;
}

/**
 * Explicit maintenance (gates run with gc.auto=0 so no git command starts it behind our back):
 * loose refs packed, loose objects packed incrementally (existing packs untouched, nothing
 * pruned), and the commit-graph extended, which keeps ancestry walks fast.
 */
export async function maintainGate(ctx: GateContext): Promise<MaintenanceReport> {
  const steps: MaintenanceReport['steps'] = [];
  const run = async (step: string, args: string[]) => {
    const { durationMs } = await ctx.runner.run(args, { gitDir: ctx.gatePath });
    steps.push({ step, durationMs });
  };
  await run('pack-refs', ['pack-refs', '--all', '--prune']);
  await run('repack', ['repack', '-d', '-q', '--no-write-bitmap-index']);
  await run('commit-graph', ['commit-graph', 'write', '--reachable', '--split', '--no-progress']);
  return { steps };
}
