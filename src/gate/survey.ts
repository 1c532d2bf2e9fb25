import { existsSync } from 'node:fs';
import { GateError } from '../errors/index.js';
import { assertBranchName, branchNameProblem, countReachable, inspectRemote, type RemoteInspection } from '../git/index.js';
import type { Classification, ClassifyInput } from './classify.js';
import { classifyByWalking } from './classify-walk.js';
import type { GateContext } from './context.js';
import type { GateIdentity } from './gate-repo.js';
import { emptyRefState, readRefState, type RefState } from './ref-state.js';
import type { GatePlan } from './types.js';
import { fetchIntoIncoming, fetchObjects, isStaleListing } from './upstream-fetch.js';

/** Everything sync and plan learn before deciding anything. */
export interface Survey {
  inspection: RemoteInspection;
  state: RefState;
  upstreamHeads: Map<string, string>;
  upstreamTags: Map<string, string>;
  selected: Set<string> | null;
  classification: Classification;
  tagsCreated: string[];
  tagsMoved: Array<{ tag: string; gateSha: string; upstreamSha: string }>;
  fetched: boolean;
  urlChanged: boolean;
  notes: string[];
}

/** Validates a branch filter; null means every branch. */
export function selectedBranches(branches: readonly string[] | undefined): Set<string> | null {
  if (branches === undefined || branches.length === 0) return null;
  return new Set(branches.map(assertBranchName));
}

/**
 * Looks at upstream (one ls-remote), fetches the objects of the listed tips only when upstream
 * has something the gate lacks (no ref is written; should upstream move meanwhile, its refs are
 * fetched into the hidden incoming namespace instead), and classifies every branch. Touches no
 * visible ref.
 * Expects the gate to exist, unless `gateExists` is false (then everything would be created).
 */
export async function surveyUpstream(ctx: GateContext, options: { branches?: readonly string[]; signal?: AbortSignal; gateExists: boolean; inspection?: RemoteInspection; identity: GateIdentity | null }): Promise<Survey> {
  const upstream = ctx.upstream;
  if (upstream === null) throw new GateError('GATE_NO_UPSTREAM', `gate ${ctx.scope} is remoteless`);
  const selected = selectedBranches(options.branches);
  const transport = await ctx.transport();
  const signalOpt = options.signal ? { signal: options.signal } : {};
  // The listing and the local reads are independent: run them side by side.
  const identity = options.identity;
  const [inspection, state0] = await Promise.all([
    options.inspection ?? inspectRemote(ctx.runner, upstream, { maxRefs: ctx.maxRefs, env: transport.env, config: transport.config, ...signalOpt, ...(ctx.networkTimeoutMs ? { timeoutMs: ctx.networkTimeoutMs } : {}) }),
    options.gateExists ? readRefState(ctx.runner, ctx.gatePath, options.signal) : Promise.resolve(emptyRefState()),
  ]);
  const notes: string[] = [];
  // Upstream may name refs "-x" or "--output=…": never mirror a name git-gate would refuse itself.
  const unsafe = [...inspection.heads.keys()].filter((name) => branchNameProblem(name) !== null);
  const unsafeTags = [...inspection.tags.keys()].filter((name) => branchNameProblem(name) !== null);
  if (unsafe.length + unsafeTags.length > 0) {
    notes.push(`skipped ${unsafe.length + unsafeTags.length} upstream ref(s) with unsafe names: ${[...unsafe, ...unsafeTags].slice(0, 3).map((n) => JSON.stringify(n)).join(', ')}`);
  }
  const urlChanged = identity !== null && identity.upstream !== null && identity.upstream !== upstream.url;

  const wanted = [...inspection.heads].filter(([name]) => (selected === null || selected.has(name)) && branchNameProblem(name) === null);
  const includeTags = selected === null;
  const listedTags = includeTags ? [...inspection.tags].filter(([name]) => branchNameProblem(name) === null) : [];
  // Objects the gate may lack: heads whose snapshot differs, and tags sync would create (a tag the
  // gate already has is never moved, so its new object is not needed).
  // A tip an incoming ref already points at (a first sync's clone put them there) is present
  // with its whole history: fetching it again would only reach upstream to learn nothing.
  const landed = new Set([...state0.incomingHeads.values(), ...state0.incomingTags.values()]);
  const missing = [
    ...wanted.filter(([name, sha]) => state0.snapshot.get(name) !== sha).map(([, sha]) => sha),
    ...listedTags.filter(([name]) => !state0.tags.has(name)).map(([, tag]) => tag.sha),
  ].filter((sha) => !landed.has(sha));
  let state = state0;
  let fetched = false;
  let listing = true; // upstream's heads and tags are as listed (not re-read from a fetch)
  if (options.gateExists && (missing.length > 0 || urlChanged)) {
    const fetchArgs = [ctx.runner, ctx.gatePath, upstream, transport] as const;
    const call = { signal: options.signal, timeoutMs: ctx.networkTimeoutMs, onProgress: ctx.onProgress };
    try {
      await fetchObjects(...fetchArgs, [...new Set(missing)], call);
    } catch (error) {
      if (!isStaleListing(error)) throw error;
      // Upstream moved between the listing and the fetch: fetch its refs as they are now instead.
      await fetchIntoIncoming(...fetchArgs, { branches: selected === null ? null : wanted.map(([name]) => name), tags: includeTags }, call);
      state = await readRefState(ctx.runner, ctx.gatePath, options.signal);
      listing = false;
      notes.push('upstream moved while it was being synced; the gate took its newest state');
    }
    fetched = true;
  }
  const upstreamHeads = new Map<string, string>();
  if (!listing) {
    // A filtered fetch does not prune, so only names upstream still lists count.
    for (const [name, sha] of state.incomingHeads) {
      if (branchNameProblem(name) === null && (selected === null || (selected.has(name) && inspection.heads.has(name)))) upstreamHeads.set(name, sha);
    }
  } else {
    for (const [name, sha] of wanted) upstreamHeads.set(name, sha);
  }
  if (selected !== null) {
    for (const name of selected) if (!inspection.heads.has(name)) notes.push(`branch ${name} does not exist upstream`);
  }
  const upstreamTags = new Map<string, string>();
  if (includeTags) {
    const listed: Iterable<[string, string]> = listing ? listedTags.map(([name, tag]) => [name, tag.sha]) : state.incomingTags;
    for (const [name, sha] of listed) {
      if (branchNameProblem(name) === null) upstreamTags.set(name, sha);
    }
  } else notes.push('tags are synced only by a full sync (no --branch filter)');

  if (urlChanged && fetched) await assertRelated(ctx, state, upstreamHeads, identity?.upstream ?? '', options.signal);

  const input: ClassifyInput = { heads: state.heads, snapshot: state.snapshot, attic: state.attic, foreign: state.foreign, upstream: upstreamHeads, selected };
  const classification = await classifyByWalking(ctx.runner, ctx.gatePath, input, ctx.logger, options.signal);

  const tagsCreated: string[] = [];
  const tagsMoved: Survey['tagsMoved'] = [];
  for (const [tag, sha] of upstreamTags) {
    const mine = state.tags.get(tag);
    if (mine === undefined) tagsCreated.push(tag);
    else if (mine !== sha) tagsMoved.push({ tag, gateSha: mine, upstreamSha: sha });
  }
  return { inspection, state, upstreamHeads, upstreamTags, selected, classification, tagsCreated: tagsCreated.sort(), tagsMoved, fetched, urlChanged, notes };
}

// A changed upstream URL must still be the same project: some commit of the new upstream must be
// reachable from the old snapshot. An unrelated history is refused before anything changes.
async function assertRelated(ctx: GateContext, state: RefState, upstreamHeads: Map<string, string>, oldUrl: string, signal?: AbortSignal): Promise<void> {
  const oldTips = [...new Set([...state.snapshot.values(), ...state.attic.values(), ...state.heads.values()])];
  const newTips = [...new Set(upstreamHeads.values())];
  if (oldTips.length === 0 || newTips.length === 0) return;
  // For each new tip: commits outside the old history vs all its commits; any difference means
  // shared history. One walk answers every tip (an orphan branch like gh-pages must not decide).
  const queries = newTips.flatMap((tip) => [{ positive: tip, negatives: oldTips }, { positive: tip, negatives: [] }]);
  const counts = await countReachable(ctx.runner, ctx.gatePath, queries, signal ? { signal } : {});
  const related = newTips.some((_, i) => counts[2 * i]! < counts[2 * i + 1]!);
  if (!related) {
    throw new GateError('GATE_UPSTREAM_UNRELATED', `the upstream URL changed (was ${oldUrl}) and the new upstream shares no history with gate ${ctx.scope}; nothing was changed`);
  }
}

/** Turns a survey of a gate that does not exist yet into a plan: everything would be created. */
export function planFromSurvey(ctx: GateContext, survey: Survey, gateExists: boolean): GatePlan {
  const notes = [...survey.notes];
  if (!gateExists) notes.push('the gate does not exist yet; sync would create it');
  return {
    upstreamUrl: ctx.upstream?.url ?? null,
    changes: survey.classification.changes,
    pending: survey.classification.pending,
    gateOnlyBranches: survey.classification.gateOnlyBranches,
    tags: { created: survey.tagsCreated, moved: survey.tagsMoved },
    notes,
  };
}

/** True when a gate directory exists at the path. */
export function gateExists(ctx: GateContext): boolean {
  return existsSync(ctx.gatePath);
}
