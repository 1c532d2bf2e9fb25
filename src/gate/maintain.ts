import type { GateContext } from './context.js';

/** What maintenance did. */
export interface MaintenanceReport {
  steps: Array<{ step: string; durationMs: number }>;
}

/**
 * Explicit maintenance (gates run with gc.auto=0 so no git command starts it behind our back):
 * loose refs packed; loose objects and small packs rolled up geometrically (each push and fetch
 * leaves a pack; `--geometric=2` merges the small ones until every pack is at least twice the
 * size of the next smaller, so the big pack is rewritten only when the rest has grown as large,
 * and nothing is ever pruned); and the commit-graph extended, which keeps ancestry walks fast.
 * Safe beside pushes and fetches: repack removes a pack only after its objects are in the new one.
 */
export async function maintainGate(ctx: GateContext, signal?: AbortSignal): Promise<MaintenanceReport> {
  const steps: MaintenanceReport['steps'] = [];
  const run = async (step: string, args: string[]) => {
    const { durationMs } = await ctx.runner.run(args, { gitDir: ctx.gatePath, ...(signal ? { signal } : {}) });
    steps.push({ step, durationMs });
  };
  await run('pack-refs', ['pack-refs', '--all', '--prune']);
  await run('repack', ['repack', '-d', '-q', '--geometric=2', '--no-write-bitmap-index']);
  await run('commit-graph', ['commit-graph', 'write', '--reachable', '--split', '--no-progress']);
  return { steps };
}
