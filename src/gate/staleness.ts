import { countReachable, type ReachQuery } from '../git/index.js';
import type { GateContext } from './context.js';
import { readRefState } from './ref-state.js';
import type { BranchStaleness } from './types.js';
import { fetchIntoIncoming } from './upstream-fetch.js';

/**
 * Compares gate branches with upstream as it is now: one fetch into the hidden incoming namespace
 * (never refs/heads, never the snapshot that provenance rests on), then every behind/ahead count
 * from one batched walk. Counts are exact even when upstream moved since the last sync.
 * Branches looked at: every upstream branch, plus gate branches that mirror (or mirrored) one.
 * When one side lacks the branch, both counts are null. With `fromLastSync`, upstream is taken as
 * the last sync saw it (the snapshot) and nothing is fetched: right after a sync that is the same
 * answer without a second upstream round trip.
 */
export async function measureStaleness(ctx: GateContext, branches: readonly string[] | null, signal?: AbortSignal, fromLastSync = false): Promise<BranchStaleness[]> {
  if (!fromLastSync) {
    const transport = await ctx.transport();
    await fetchIntoIncoming(ctx.runner, ctx.gatePath, ctx.upstream!, transport, { branches: null, tags: false }, { signal, timeoutMs: ctx.networkTimeoutMs });
  }
  const lastChecked = new Date().toISOString();
  const state = await readRefState(ctx.runner, ctx.gatePath, signal);
  const upstreamHeads = fromLastSync ? state.snapshot : state.incomingHeads;
  const names = branches ?? [...new Set([...upstreamHeads.keys(), ...[...state.heads.keys()].filter((b) => state.snapshot.has(b) || state.attic.has(b))])].sort();
  const queries: ReachQuery[] = [];
  const slots = new Map<string, [number, number]>();
  for (const branch of names) {
    const gateHead = state.heads.get(branch);
    const upstreamHead = upstreamHeads.get(branch);
    if (gateHead === undefined || upstreamHead === undefined || gateHead === upstreamHead) continue;
    slots.set(branch, [queries.length, queries.length + 1]);
    queries.push({ positive: upstreamHead, negatives: [gateHead] }, { positive: gateHead, negatives: [upstreamHead] });
  }
  const counts = await countReachable(ctx.runner, ctx.gatePath, queries, signal ? { signal } : {});
  return names.map((branch) => {
    const gateHead = state.heads.get(branch) ?? null;
    const upstreamHead = upstreamHeads.get(branch) ?? null;
    const slot = slots.get(branch);
    const bothPresent = gateHead !== null && upstreamHead !== null;
    const commitsBehind = slot ? counts[slot[0]]! : bothPresent ? 0 : null;
    const commitsAhead = slot ? counts[slot[1]]! : bothPresent ? 0 : null;
    const isStale = upstreamHead !== null && gateHead !== upstreamHead && (commitsBehind === null || commitsBehind > 0);
    return { branch, gateHead, upstreamHead, isStale, commitsBehind, commitsAhead, lastChecked, error: null };
  });
}
