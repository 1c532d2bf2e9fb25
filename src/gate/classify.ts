import type { ReachQuery } from '../git/index.js';
import type { AppliedChange, PendingOp, PendingReason } from './types.js';

/** The refs classification looks at; names without namespace prefixes. */
export interface ClassifyInput {
  heads: ReadonlyMap<string, string>;
  /** Upstream heads at the last completed sync. */
  snapshot: ReadonlyMap<string, string>;
  attic: ReadonlyMap<string, string>;
  /** Markers of gate branches whose provenance is unknown (see layout FOREIGN). */
  foreign: ReadonlyMap<string, string>;
  /** Upstream heads now. */
  upstream: ReadonlyMap<string, string>;
  /** Branches to consider; null = all. */
  selected: ReadonlySet<string> | null;
}

/** What sync should do for each branch. */
export interface Classification {
  changes: AppliedChange[];
  pending: PendingOp[];
  gateOnlyBranches: string[];
  /** Branches where the gate has commits on top of upstream (nothing to do). */
  ahead: string[];
  /** New attic entries: branch → last in-sync upstream tip. */
  atticCreates: Map<string, string>;
  /** Attic entries to drop because their branch is back in step. */
  atticDeletes: Set<string>;
  /** New unknown-provenance markers: branch → gate tip when first seen. */
  foreignCreates: Map<string, string>;
  foreignDeletes: Set<string>;
}

/** Reach-count answers, looked up by the same (positive, negatives) a query was built with. */
export type ReachAnswers = (positive: string, negatives: readonly string[]) => number;

/** Every branch name classification must look at. */
function branchNames(input: ClassifyInput): string[] {
  const names = new Set<string>([...input.heads.keys(), ...input.upstream.keys(), ...input.snapshot.keys(), ...input.attic.keys(), ...input.foreign.keys()]);
  return [...names].filter((name) => input.selected === null || input.selected.has(name)).sort();
}

/**
 * The upstream tips that outlive this sync: current upstream heads, the attic, and the snapshot
 * tips this sync may move into the attic. A gate branch's commits outside them exist only in the
 * gate. Counting against what survives keeps a sync's report and the offline replay of pending
 * ops (which sees only the refs the sync left) in agreement.
 */
const knownTipsCache = new WeakMap<ClassifyInput, string[]>();

export function upstreamKnownTips(input: ClassifyInput): string[] {
  // One shared array per input: queries and answers then refer to the same negative set.
  const cached = knownTipsCache.get(input);
  if (cached) return cached;
  const known = computeKnownTips(input);
  knownTipsCache.set(input, known);
  return known;
}

function computeKnownTips(input: ClassifyInput): string[] {
  const tips = new Set([...input.upstream.values(), ...input.attic.values()]);
  for (const [branch, snap] of input.snapshot) {
    const head = input.heads.get(branch);
    if (head !== undefined && head !== input.upstream.get(branch) && !input.attic.has(branch) && snap !== input.upstream.get(branch)) tips.add(snap);
  }
  return [...tips].sort();
}

/**
 * The first walk's questions: is each branch's gate tip inside upstream's (a fast-forward, the
 * common case), and the gate-only count of each branch that upstream deleted (it goes pending).
 * Branches that turn out diverged ask `divergedQueries` in a second walk.
 */
export function classificationQueries(input: ClassifyInput): ReachQuery[] {
  const known = upstreamKnownTips(input);
  const queries: ReachQuery[] = [];
  for (const branch of branchNames(input)) {
    const head = input.heads.get(branch);
    const up = input.upstream.get(branch);
    if (head === undefined) continue;
    if (up !== undefined && head !== up) queries.push({ positive: head, negatives: [up] });
    const deletedUpstream = up === undefined && !input.foreign.has(branch) && (input.snapshot.has(branch) || input.attic.has(branch));
    if (deletedUpstream && known.length > 0) queries.push({ positive: head, negatives: known });
  }
  return queries;
}

/**
 * The second walk's questions, for branches whose gate tip is not inside upstream's: everything
 * classification may ask about them (ahead of upstream, or a rewrite, and its gate-only count).
 */
export function divergedQueries(input: ClassifyInput, diverged: (branch: string) => boolean): ReachQuery[] {
  const known = upstreamKnownTips(input);
  const queries: ReachQuery[] = [];
  for (const branch of branchNames(input)) {
    const head = input.heads.get(branch);
    const up = input.upstream.get(branch);
    if (head === undefined || up === undefined || head === up || !diverged(branch)) continue;
    const base = input.attic.get(branch) ?? input.snapshot.get(branch);
    queries.push({ positive: up, negatives: [head] });
    if (base !== undefined && base !== up && base !== head) queries.push({ positive: base, negatives: [up] });
    if (known.length > 0) queries.push({ positive: head, negatives: known });
  }
  return queries;
}

/**
 * Classifies every branch: create and fast-forward are safe and applied; rewrites and deletions
 * upstream become pending ops; gate-only branches are kept. Pure: reachability comes from `reach`.
 */
export function classifyBranches(input: ClassifyInput, reach: ReachAnswers): Classification {
  const known = upstreamKnownTips(input);
  const out: Classification = { changes: [], pending: [], gateOnlyBranches: [], ahead: [], atticCreates: new Map(), atticDeletes: new Set(), foreignCreates: new Map(), foreignDeletes: new Set() };
  const gateOnly = (head: string) => (known.length === 0 ? Number.NaN : reach(head, known));

  for (const branch of branchNames(input)) {
    const head = input.heads.get(branch);
    const up = input.upstream.get(branch);
    const snap = input.snapshot.get(branch);
    const attic = input.attic.get(branch);
    const foreign = input.foreign.get(branch);
    const base = attic ?? snap;
    const settle = () => {
      if (attic !== undefined) out.atticDeletes.add(branch);
      if (foreign !== undefined) out.foreignDeletes.add(branch);
    };
    function goPending(kind: PendingOp['kind'], reason: PendingReason): void {
      const count = gateOnly(head!);
      out.pending.push({ branch, kind, reason, gateSha: head!, upstreamSha: up ?? null, lossless: count === 0, gateOnlyCommits: Number.isNaN(count) ? 0 : count });
      if (attic === undefined && snap !== undefined) out.atticCreates.set(branch, snap);
      if (reason === 'unknown_provenance' && foreign === undefined) out.foreignCreates.set(branch, head!);
    }

    if (up !== undefined) {
      if (head === undefined) {
        out.changes.push({ branch, kind: 'create', oldSha: null, newSha: up });
        settle();
      } else if (head === up) {
        settle();
      } else if (reach(head, [up]) === 0) {
        out.changes.push({ branch, kind: 'fast_forward', oldSha: head, newSha: up });
        settle();
      } else {
        const upstreamAdvanced = base !== undefined && (base === up || reach(base, [up]) === 0);
        if (foreign === undefined && reach(up, [head]) === 0 && (base === undefined || upstreamAdvanced)) {
          // The gate has its own commits on top of upstream: that is gate work, not a conflict.
          out.ahead.push(branch);
          settle();
        } else {
          const reason: PendingReason = foreign !== undefined || base === undefined ? 'unknown_provenance' : upstreamAdvanced ? 'diverged' : 'upstream_rewrite';
          goPending('force_update', reason);
        }
      }
    } else if (head !== undefined) {
      if (foreign !== undefined) {
        // The gate's branch predates upstream's; upstream dropping its own makes it gate-only again.
        out.gateOnlyBranches.push(branch);
        settle();
      } else if (snap !== undefined || attic !== undefined) goPending('delete', 'upstream_delete');
      else out.gateOnlyBranches.push(branch);
    } else {
      // Neither side has the branch any more: nothing left to protect.
      settle();
    }
  }
  return out;
}
