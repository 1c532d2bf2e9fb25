// The scheduler's cheap question before a sync: has upstream changed since the gate's snapshot?
// One listing of upstream and one read of the gate's refs; no lock (nothing is written) and no
// fetch. Only an answer of "no" is ever acted on, so a race with a concurrent sync is harmless.
import { existsSync } from 'node:fs';
import { branchNameProblem } from '../git/index.js';
import type { GateContext } from './context.js';
import { readRefState } from './ref-state.js';
import { selectedBranches } from './survey.js';
import { inspectUpstream } from './sync.js';

/** Whether a sync could change anything, and why (for logs). */
export interface UpstreamCheck {
  changed: boolean;
  reason: string;
}

/**
 * Compares upstream's heads (the selected ones, or all) with `refs/gate/upstream/*`, and for a
 * full sync also looks for tags the gate lacks. A gate that does not exist yet has "changed".
 * Upstream failures are thrown as sync would throw them (auth, host key, network …).
 */
export async function checkUpstream(ctx: GateContext, branches: readonly string[] | undefined, signal?: AbortSignal): Promise<UpstreamCheck> {
  if (ctx.upstream === null) return { changed: false, reason: 'remoteless gate' };
  if (!existsSync(ctx.gatePath)) return { changed: true, reason: 'the gate does not exist yet' };
  const selected = selectedBranches(branches);
  const [inspection, state] = await Promise.all([inspectUpstream(ctx, signal), readRefState(ctx.runner, ctx.gatePath, signal)]);
  for (const [branch, sha] of inspection.heads) {
    if (branchNameProblem(branch) !== null || (selected !== null && !selected.has(branch))) continue;
    if (state.snapshot.get(branch) !== sha) return { changed: true, reason: `upstream branch ${branch} moved or appeared` };
  }
  for (const branch of state.snapshot.keys()) {
    if ((selected === null || selected.has(branch)) && !inspection.heads.has(branch)) return { changed: true, reason: `upstream branch ${branch} was deleted` };
  }
  if (selected === null) {
    for (const tag of inspection.tags.keys()) {
      if (branchNameProblem(tag) === null && !state.tags.has(tag)) return { changed: true, reason: `upstream tag ${tag} is new` };
    }
  }
  return { changed: false, reason: 'upstream matches the snapshot' };
}
