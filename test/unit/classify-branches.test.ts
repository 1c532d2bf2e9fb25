import { describe, expect, it } from 'vitest';
import { type Classification, classificationQueries, classifyBranches, type ClassifyInput, type ReachAnswers, upstreamKnownTips } from '../../src/gate/classify.js';
import { followUp, queryKey as walkKey } from '../../src/gate/classify-walk.js';
import type { ReachQuery } from '../../src/git/index.js';
import type { PendingOp } from '../../src/gate/types.js';

// A small commit graph, parent lists by commit. Reachability answers are computed from it, the way
// `git rev-list --count <positive> --not <negatives>` would, so no expected count is written by hand.
//
//   A ── B ── C ── D            upstream's line (D: upstream moved on)
//         \    \
//          \    G3 ── G4        gate work on C
//           G1 ── G2            gate work on B
//   A ── R1 ── R2               upstream's rewrite of B..C
const DAG: Readonly<Record<string, readonly string[]>> = {
  A: [],
  B: ['A'],
  C: ['B'],
  D: ['C'],
  G1: ['B'],
  G2: ['G1'],
  G3: ['C'],
  G4: ['G3'],
  R1: ['A'],
  R2: ['R1'],
};

function ancestry(tip: string): Set<string> {
  const seen = new Set<string>();
  const todo = [tip];
  while (todo.length > 0) {
    const commit = todo.pop()!;
    if (seen.has(commit)) continue;
    const parents = DAG[commit];
    if (parents === undefined) throw new Error(`commit ${commit} is not in the test graph`);
    seen.add(commit);
    todo.push(...parents);
  }
  return seen;
}

/** Commits reachable from `positive` and from none of `negatives`, sorted. */
function onlyIn(positive: string, negatives: readonly string[]): string[] {
  const excluded = new Set(negatives.flatMap((tip) => [...ancestry(tip)]));
  return [...ancestry(positive)].filter((commit) => !excluded.has(commit)).sort();
}


/**
 * Classifies the way sync does (classify-walk.ts): round 1 answers what classificationQueries
 * planned; round 2 what followUp adds for the diverged branches. Fails when a classification needs
 * a third round, or a second one although no branch diverged.
 */
function classifyInRounds(input: ClassifyInput): Classification {
  const answers = new Map<string, number>();
  const answer = (queries: readonly ReachQuery[]) => {
    for (const query of queries) answers.set(walkKey(query.positive, query.negatives), onlyIn(query.positive, query.negatives).length);
  };
  answer(classificationQueries(input));
  for (let round = 1; round <= 2; round++) {
    const missing = new Map<string, ReachQuery>();
    const reach: ReachAnswers = (positive, negatives) => {
      const known = answers.get(walkKey(positive, negatives));
      if (known !== undefined) return known;
      missing.set(walkKey(positive, negatives), { positive, negatives });
      return 0;
    };
    const classification = classifyBranches(input, reach);
    if (missing.size === 0) return classification;
    if (round === 2) break;
    const next = followUp(input, answers, missing);
    // A second walk is for diverged branches only: never when every branch fast-forwards.
    const diverged = [...input.heads].some(([branch, head]) => {
      const up = input.upstream.get(branch);
      return up !== undefined && up !== head && onlyIn(head, [up]).length > 0;
    });
    expect(diverged, `a second walk although nothing diverged: ${[...missing.keys()].join('; ')}`).toBe(true);
    answer(next);
  }
  throw new Error('classification needed more than two walks');
}

type Refs = Record<string, string>;
interface State {
  heads?: Refs;
  snapshot?: Refs;
  attic?: Refs;
  foreign?: Refs;
  upstream?: Refs;
  selected?: string[];
}

function input(state: State): ClassifyInput {
  const map = (refs: Refs | undefined) => new Map(Object.entries(refs ?? {}));
  return {
    heads: map(state.heads),
    snapshot: map(state.snapshot),
    attic: map(state.attic),
    foreign: map(state.foreign),
    upstream: map(state.upstream),
    selected: state.selected === undefined ? null : new Set(state.selected),
  };
}

function classify(state: State): Classification {
  const classifyInput = input(state);
  return classifyInRounds(classifyInput);
}

interface Expected {
  changes?: Classification['changes'];
  pending?: PendingOp[];
  gateOnlyBranches?: string[];
  ahead?: string[];
  atticCreates?: Refs;
  atticDeletes?: string[];
  foreignCreates?: Refs;
  foreignDeletes?: string[];
}

function expected(parts: Expected): Classification {
  return {
    changes: parts.changes ?? [],
    pending: parts.pending ?? [],
    gateOnlyBranches: parts.gateOnlyBranches ?? [],
    ahead: parts.ahead ?? [],
    atticCreates: new Map(Object.entries(parts.atticCreates ?? {})),
    atticDeletes: new Set(parts.atticDeletes ?? []),
    foreignCreates: new Map(Object.entries(parts.foreignCreates ?? {})),
    foreignDeletes: new Set(parts.foreignDeletes ?? []),
  };
}

/**
 * A pending op whose gate-only commits are named explicitly; the test checks the graph agrees that
 * exactly those commits are on the gate branch and on no upstream-known tip.
 */
function pendingOp(state: State, branch: string, kind: PendingOp['kind'], reason: PendingOp['reason'], gateOnly: string[]): PendingOp {
  const head = state.heads?.[branch];
  if (head === undefined) throw new Error(`no gate head for ${branch}`);
  expect(onlyIn(head, upstreamKnownTips(input(state))), `gate-only commits of ${branch}`).toEqual([...gateOnly].sort());
  return { branch, kind, reason, gateSha: head, upstreamSha: state.upstream?.[branch] ?? null, lossless: gateOnly.length === 0, gateOnlyCommits: gateOnly.length };
}

interface Row {
  name: string;
  state: State;
  expect: (state: State) => Expected;
  /** Whether an attic entry is written is not what the row is about. */
  anyAttic?: true;
}

const rows: Row[] = [
  {
    name: 'a branch that appeared upstream is created',
    state: { upstream: { main: 'C' } },
    expect: () => ({ changes: [{ branch: 'main', kind: 'create', oldSha: null, newSha: 'C' }] }),
  },
  {
    name: 'a branch upstream moved forward is fast-forwarded',
    state: { heads: { main: 'B' }, snapshot: { main: 'B' }, upstream: { main: 'D' } },
    expect: () => ({ changes: [{ branch: 'main', kind: 'fast_forward', oldSha: 'B', newSha: 'D' }] }),
  },
  {
    name: 'a gate branch behind a newly seen upstream branch is fast-forwarded (nothing of its own to lose)',
    state: { heads: { main: 'B' }, upstream: { main: 'D' } },
    expect: () => ({ changes: [{ branch: 'main', kind: 'fast_forward', oldSha: 'B', newSha: 'D' }] }),
  },
  {
    name: 'a branch in sync with upstream needs nothing',
    state: { heads: { main: 'C' }, snapshot: { main: 'C' }, upstream: { main: 'C' } },
    expect: () => ({}),
  },
  {
    name: 'a gate branch with its own commits on an unchanged upstream tip is ahead, not pending',
    state: { heads: { main: 'G4' }, snapshot: { main: 'C' }, upstream: { main: 'C' } },
    expect: () => ({ ahead: ['main'] }),
  },
  {
    name: 'a gate branch that already contains where upstream moved to is ahead, not pending',
    state: { heads: { main: 'G4' }, snapshot: { main: 'B' }, upstream: { main: 'C' } },
    expect: () => ({ ahead: ['main'] }),
  },
  {
    name: 'a gate branch on top of a branch upstream just created is ahead, not pending',
    state: { heads: { main: 'G4' }, upstream: { main: 'C' } },
    expect: () => ({ ahead: ['main'] }),
  },
  {
    name: 'an upstream rewrite of a branch the gate has no commits on is a lossless pending force-update',
    state: { heads: { main: 'C' }, snapshot: { main: 'C' }, upstream: { main: 'R2' } },
    expect: (s) => ({ pending: [pendingOp(s, 'main', 'force_update', 'upstream_rewrite', [])], atticCreates: { main: 'C' } }),
  },
  {
    name: 'an upstream rewrite under gate commits is a lossy pending force-update counting them',
    state: { heads: { main: 'G4' }, snapshot: { main: 'C' }, upstream: { main: 'R2' } },
    expect: (s) => ({ pending: [pendingOp(s, 'main', 'force_update', 'upstream_rewrite', ['G3', 'G4'])], atticCreates: { main: 'C' } }),
  },
  {
    name: 'upstream rewinding to an older commit is a lossless pending rewrite, not a fast-forward or "ahead"',
    state: { heads: { main: 'C' }, snapshot: { main: 'C' }, upstream: { main: 'B' } },
    expect: (s) => ({ pending: [pendingOp(s, 'main', 'force_update', 'upstream_rewrite', [])], atticCreates: { main: 'C' } }),
  },
  {
    name: 'upstream moving forward while the gate has its own commits on the old tip is a diverged pending force-update',
    state: { heads: { main: 'G2' }, snapshot: { main: 'B' }, upstream: { main: 'D' } },
    expect: (s) => ({ pending: [pendingOp(s, 'main', 'force_update', 'diverged', ['G1', 'G2'])], atticCreates: { main: 'B' } }),
  },
  {
    name: 'commits another upstream branch has are not counted as gate-only',
    state: { heads: { main: 'G2' }, snapshot: { main: 'B' }, upstream: { main: 'D', 'feature/x': 'G1' } },
    expect: (s) => ({
      changes: [{ branch: 'feature/x', kind: 'create', oldSha: null, newSha: 'G1' }],
      pending: [pendingOp(s, 'main', 'force_update', 'diverged', ['G2'])],
      atticCreates: { main: 'B' },
    }),
  },
  {
    name: 'a gate branch that diverges from a branch upstream just created has unknown provenance and gets a foreign marker',
    state: { heads: { main: 'G2' }, upstream: { main: 'D' } },
    expect: (s) => ({ pending: [pendingOp(s, 'main', 'force_update', 'unknown_provenance', ['G1', 'G2'])], foreignCreates: { main: 'G2' } }),
  },
  {
    name: 'the foreign marker keeps the reason unknown_provenance once the snapshot has recorded upstream',
    state: { heads: { main: 'G2' }, snapshot: { main: 'D' }, foreign: { main: 'G2' }, upstream: { main: 'D' } },
    expect: (s) => ({ pending: [pendingOp(s, 'main', 'force_update', 'unknown_provenance', ['G1', 'G2'])] }),
    anyAttic: true,
  },
  {
    name: 'the foreign marker keeps a gate branch that contains upstream pending rather than "ahead"',
    state: { heads: { main: 'G4' }, snapshot: { main: 'C' }, foreign: { main: 'G4' }, upstream: { main: 'C' } },
    expect: (s) => ({ pending: [pendingOp(s, 'main', 'force_update', 'unknown_provenance', ['G3', 'G4'])] }),
    anyAttic: true,
  },
  {
    name: 'an upstream delete of a branch the gate has no commits on is a lossless pending delete',
    state: { heads: { main: 'D', old: 'C' }, snapshot: { main: 'D', old: 'C' }, upstream: { main: 'D' } },
    expect: (s) => ({ pending: [pendingOp(s, 'old', 'delete', 'upstream_delete', [])], atticCreates: { old: 'C' } }),
  },
  {
    name: 'an upstream delete under gate commits is a lossy pending delete counting them',
    state: { heads: { main: 'D', old: 'G2' }, snapshot: { main: 'D', old: 'B' }, upstream: { main: 'D' } },
    expect: (s) => ({ pending: [pendingOp(s, 'old', 'delete', 'upstream_delete', ['G1', 'G2'])], atticCreates: { old: 'B' } }),
  },
  {
    name: 'a deleted branch stays a pending delete through its attic after the snapshot forgot it',
    state: { heads: { main: 'D', old: 'G4' }, snapshot: { main: 'D' }, attic: { old: 'C' }, upstream: { main: 'D' } },
    expect: (s) => ({ pending: [pendingOp(s, 'old', 'delete', 'upstream_delete', ['G3', 'G4'])] }),
  },
  {
    name: 'a branch only the gate has is kept and reported as gate-only',
    state: { heads: { main: 'D', topic: 'G2' }, snapshot: { main: 'D' }, upstream: { main: 'D' } },
    expect: () => ({ gateOnlyBranches: ['topic'] }),
  },
  {
    name: 'only the selected branches are classified',
    state: { heads: { main: 'B', dev: 'B', gone: 'C' }, snapshot: { main: 'B', dev: 'B', gone: 'C' }, upstream: { main: 'D', dev: 'D', fresh: 'C' }, selected: ['main'] },
    expect: () => ({ changes: [{ branch: 'main', kind: 'fast_forward', oldSha: 'B', newSha: 'D' }] }),
  },
  {
    name: 'a selected branch that exists nowhere yields nothing',
    state: { heads: { main: 'B' }, upstream: { main: 'D' }, selected: ['nope'] },
    expect: () => ({}),
  },
  {
    name: 'the attic, not the newer snapshot, is the base of a branch already pending (first writer wins)',
    // With the snapshot R1 as base, R1 → R2 would look like "upstream moved forward" (diverged).
    state: { heads: { main: 'G4' }, snapshot: { main: 'R1' }, attic: { main: 'C' }, upstream: { main: 'R2' } },
    expect: (s) => ({ pending: [pendingOp(s, 'main', 'force_update', 'upstream_rewrite', ['G3', 'G4'])] }),
  },
  {
    name: 'attic and foreign markers are cleared when the branch is back in step',
    state: { heads: { main: 'R2' }, snapshot: { main: 'R1' }, attic: { main: 'C' }, foreign: { main: 'G2' }, upstream: { main: 'R2' } },
    expect: () => ({ atticDeletes: ['main'], foreignDeletes: ['main'] }),
  },
  {
    name: 'an attic is cleared by a fast-forward',
    state: { heads: { main: 'C' }, snapshot: { main: 'R1' }, attic: { main: 'C' }, upstream: { main: 'D' } },
    expect: () => ({ changes: [{ branch: 'main', kind: 'fast_forward', oldSha: 'C', newSha: 'D' }], atticDeletes: ['main'] }),
  },
  {
    name: 'an attic is cleared when the gate branch was deleted and upstream still has it (re-created)',
    state: { snapshot: { main: 'R1' }, attic: { main: 'C' }, upstream: { main: 'R2' } },
    expect: () => ({ changes: [{ branch: 'main', kind: 'create', oldSha: null, newSha: 'R2' }], atticDeletes: ['main'] }),
  },
  {
    name: 'a gate branch ahead of upstream clears a stale attic',
    state: { heads: { main: 'G4' }, snapshot: { main: 'C' }, attic: { main: 'C' }, upstream: { main: 'C' } },
    expect: () => ({ ahead: ['main'], atticDeletes: ['main'] }),
  },
  {
    name: 'attic and foreign markers are cleared when both sides have deleted the branch',
    state: { heads: { main: 'D' }, snapshot: { main: 'D' }, attic: { old: 'C' }, foreign: { old: 'G2' }, upstream: { main: 'D' } },
    expect: () => ({ atticDeletes: ['old'], foreignDeletes: ['old'] }),
  },
];

describe('classifyBranches', () => {
  it.each(rows)('$name', (row) => {
    const result = classify(row.state);
    const want = expected(row.expect(row.state));
    if (row.anyAttic) want.atticCreates = result.atticCreates;
    expect(result).toEqual(want);
  });

  it('a foreign marker is not re-created for a branch that has one', () => {
    const result = classify({ heads: { main: 'G2' }, snapshot: { main: 'D' }, foreign: { main: 'G2' }, upstream: { main: 'R2' } });
    expect(result.pending.map((op) => op.reason)).toEqual(['unknown_provenance']);
    expect(result.foreignCreates.size).toBe(0);
  });

  it('classifies every branch in one pass, in name order', () => {
    const state: State = {
      heads: { zeta: 'B', beta: 'C', alpha: 'G2', topic: 'G4' },
      snapshot: { zeta: 'B', beta: 'C', alpha: 'B' },
      upstream: { zeta: 'D', alpha: 'D', new: 'R2' },
    };
    const result = classify(state);
    expect(result.changes.map((c) => `${c.kind} ${c.branch}`)).toEqual(['create new', 'fast_forward zeta']);
    expect(result.pending.map((p) => `${p.kind} ${p.branch} ${p.reason}`)).toEqual(['force_update alpha diverged', 'delete beta upstream_delete']);
    expect(result.gateOnlyBranches).toEqual(['topic']);
    expect([...result.atticCreates]).toEqual([['alpha', 'B'], ['beta', 'C']]);
  });

  it('an attic is never overwritten: no attic create is produced for a branch that has one', () => {
    for (const row of rows) {
      const state = input(row.state);
      for (const branch of classifyInRounds(state).atticCreates.keys()) expect(state.attic.has(branch), `${row.name}: ${branch}`).toBe(false);
    }
  });

  it('a gate with neither upstream nor history asks no reach questions', () => {
    const state = input({ heads: { main: 'G2', topic: 'G4' } });
    expect(classificationQueries(state)).toEqual([]);
    expect(classifyBranches(state, () => {
      throw new Error('no question expected');
    })).toEqual(expected({ gateOnlyBranches: ['main', 'topic'] }));
  });
});

// Every combination of one branch's refs, over a handful of commits from the graph.
const VALUES = [undefined, 'B', 'C', 'D', 'G2', 'G4', 'R2'] as const;
function* everyState(): Generator<State> {
  for (const head of VALUES)
    for (const snap of VALUES)
      for (const attic of VALUES)
        for (const up of VALUES)
          for (const foreign of [undefined, 'G2']) {
            const one = (value: string | undefined): Refs => (value === undefined ? {} : { main: value });
            yield { heads: one(head), snapshot: one(snap), attic: one(attic), foreign: one(foreign), upstream: one(up) };
          }
}

/** The refs a sync leaves behind (snapshot := upstream, markers and safe changes applied). */
function afterSync(before: ClassifyInput, result: Classification): ClassifyInput {
  const heads = new Map(before.heads);
  for (const change of result.changes) heads.set(change.branch, change.newSha!);
  const attic = new Map(before.attic);
  for (const [branch, sha] of result.atticCreates) attic.set(branch, sha);
  for (const branch of result.atticDeletes) attic.delete(branch);
  const foreign = new Map(before.foreign);
  for (const [branch, sha] of result.foreignCreates) foreign.set(branch, sha);
  for (const branch of result.foreignDeletes) foreign.delete(branch);
  return { heads, snapshot: before.upstream, attic, foreign, upstream: before.upstream, selected: null };
}

/** What a sync reports, and what readPendingOps replays from the refs that sync left. */
function syncThenReplay(before: ClassifyInput): { reported: Classification; replayed: Classification } {
  const reported = classifyInRounds(before);
  const after = afterSync(before, reported);
  return { reported, replayed: classifyInRounds(after) };
}

describe('a sync, then the pending ops replayed from the refs it left', () => {
  it('an in-step branch that upstream rewrites stays pending with the same verdict', () => {
    const { reported, replayed } = syncThenReplay(input({ heads: { main: 'G4' }, snapshot: { main: 'C' }, upstream: { main: 'R2' } }));
    expect(reported.pending).toHaveLength(1);
    expect(replayed.pending).toEqual(reported.pending);
  });

  it('a foreign-marked branch that upstream rewrites stays pending as unknown_provenance', () => {
    const first = syncThenReplay(input({ heads: { main: 'G2' }, upstream: { main: 'D' } }));
    expect(first.reported.pending.map((op) => op.reason)).toEqual(['unknown_provenance']);
    expect(first.replayed.pending).toEqual(first.reported.pending);
  });

  it('a foreign-marked branch that upstream deletes is classified alike by the sync and by the replay after it', () => {
    // Sync 1 saw the gate branch before upstream had it (foreign marker); the snapshot then
    // recorded upstream's D. Now upstream deletes the branch.
    const { reported, replayed } = syncThenReplay(input({ heads: { main: 'G2' }, snapshot: { main: 'D' }, foreign: { main: 'G2' } }));
    expect(replayed.pending).toEqual(reported.pending);
    expect(replayed.gateOnlyBranches).toEqual(reported.gateOnlyBranches);
    expect(reported.pending.length + reported.gateOnlyBranches.length).toBe(1);
  });

  it('a branch built on a since-deleted upstream branch gets the same gate-only count from the sync and from the replay after it', () => {
    // Upstream had feat at G1 and main at B; the gate built main on feat (G2) and later deleted its
    // own feat branch; now upstream deleted feat and moved main to D. The sync still sees G1 in the
    // snapshot of feat; the replay after it no longer can (that snapshot ref is deleted by the sync).
    const { reported, replayed } = syncThenReplay(input({ heads: { main: 'G2' }, snapshot: { main: 'B', feat: 'G1' }, upstream: { main: 'D' } }));
    expect(reported.pending.map((op) => `${op.branch} ${op.reason}`)).toEqual(['main diverged']);
    expect(replayed.pending).toEqual(reported.pending);
  });

  it('a foreign-marked branch gets the same gate-only count from the sync and from the replay after an upstream rewrite', () => {
    // B came from upstream (it is in the snapshot D); the foreign marker stops the attic from
    // keeping D, so after the sync nothing records that B was upstream's.
    const { reported, replayed } = syncThenReplay(input({ heads: { main: 'G2' }, snapshot: { main: 'D' }, foreign: { main: 'G2' }, upstream: { main: 'R2' } }));
    expect(reported.pending.map((op) => `${op.branch} ${op.reason}`)).toEqual(['main unknown_provenance']);
    expect(replayed.pending).toEqual(reported.pending);
  });
});

describe('classificationQueries and classifyBranches over every single-branch state', () => {
  const states = [...everyState()];

  it('classification needs at most two walks, the second only for gate-only counts of pending branches', () => {
    for (const state of states) expect(() => classify(state), JSON.stringify(state)).not.toThrow();
  });

  it('sync only creates branches or fast-forwards them', () => {
    for (const state of states) {
      for (const change of classify(state).changes) {
        expect(['create', 'fast_forward'], JSON.stringify(state)).toContain(change.kind);
        if (change.kind === 'fast_forward') expect(onlyIn(change.oldSha!, [change.newSha!]), JSON.stringify(state)).toEqual([]);
        if (change.kind === 'create') expect(state.heads?.['main'], JSON.stringify(state)).toBeUndefined();
      }
    }
  });

  it('every branch with a gate head lands in exactly one outcome', () => {
    for (const state of states) {
      const result = classify(state);
      const outcomes = result.changes.length + result.pending.length + result.gateOnlyBranches.length + result.ahead.length;
      const head = state.heads?.['main'];
      const up = state.upstream?.['main'];
      if (head === undefined) expect(outcomes, JSON.stringify(state)).toBe(up === undefined ? 0 : 1);
      else expect(outcomes, JSON.stringify(state)).toBe(head === up ? 0 : 1);
    }
  });

  it('a pending op is lossless exactly when it counts no gate-only commits', () => {
    for (const state of states) {
      for (const op of classify(state).pending) {
        expect(op.lossless, JSON.stringify(state)).toBe(op.gateOnlyCommits === 0);
        expect(op.gateOnlyCommits, JSON.stringify(state)).toBe(onlyIn(op.gateSha, upstreamKnownTips(input(state))).length);
      }
    }
  });

  // readPendingOps replays classification from the refs alone (upstream := snapshot), and
  // applyPendingOps refuses an op that the replay no longer produces with the same kind and tips.
  const reportedAndReplayed = states.map((state) => ({ state, ...syncThenReplay(input(state)) }));

  it('a sync leaves nothing to create or fast-forward on replay', () => {
    for (const { state, replayed } of reportedAndReplayed) expect(replayed.changes, JSON.stringify(state)).toEqual([]);
  });

  it('a pending op a sync reports is replayed from the refs it leaves with the same kind, reason and tips', () => {
    const shape = (ops: PendingOp[]) => JSON.stringify(ops.map(({ branch, kind, reason, gateSha, upstreamSha }) => ({ branch, kind, reason, gateSha, upstreamSha })));
    const unstable = reportedAndReplayed.filter(({ reported, replayed }) => shape(reported.pending) !== shape(replayed.pending));
    expect(unstable.slice(0, 3).map(({ state, reported, replayed }) => `${JSON.stringify(state)} reported ${shape(reported.pending)} replayed ${shape(replayed.pending)}`), `${unstable.length} states`).toEqual([]);
  });

  it('a pending op a sync reports is replayed with the same lossless verdict and gate-only count', () => {
    const counts = (ops: PendingOp[]) => JSON.stringify(ops.map(({ branch, lossless, gateOnlyCommits }) => ({ branch, lossless, gateOnlyCommits })));
    const unstable = reportedAndReplayed.filter(({ reported, replayed }) => replayed.pending.length > 0 && counts(reported.pending) !== counts(replayed.pending));
    expect(unstable.slice(0, 3).map(({ state, reported, replayed }) => `${JSON.stringify(state)} reported ${counts(reported.pending)} replayed ${counts(replayed.pending)}`), `${unstable.length} states`).toEqual([]);
  });
});
