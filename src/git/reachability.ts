import { isObjectId } from './refname.js';
import type { GitRunner, GitRunOptions } from './runner.js';

/** Count the commits reachable from `positive` and from none of `negatives`. */
export interface ReachQuery {
  readonly positive: string;
  readonly negatives: readonly string[];
}

// Negative sets larger than this share one synthetic bit instead of one bit per tip.
const GROUP_THRESHOLD = 2;

/**
 * Answers many "how many commits are in A but not in B…" questions with ONE git process, instead
 * of one `rev-list --count` or `merge-base` per branch.
 *
 * `git rev-list --topo-order --parents` streams every commit after all of its children. Each
 * commit carries a bit mask of the tips that reach it (OR of its children's masks), so when a
 * commit is emitted its mask is final and each query can count it. Once no commit still waiting
 * to be emitted is counted by any query, nothing older can be either (an OR of masks that each
 * contain a negative bit, or lack the positive one, has the same property), so the walk stops and
 * git is killed: the cost is bounded by the commits that differ, not by the history's size.
 * A commit-graph file (written on every fetch) keeps topo-order incremental.
 */
export async function countReachable(runner: GitRunner, gitDir: string, queries: readonly ReachQuery[], options: Omit<GitRunOptions, 'gitDir' | 'input'> = {}): Promise<number[]> {
  const counts = new Array<number>(queries.length).fill(0);
  if (queries.length === 0) return counts;

  // Assign bits: one per tip used as a positive or in a small negative set, one per large set.
  const bitOf = new Map<string, number>();
  const groups = new Map<string, { bit: number; members: readonly string[] }>();
  let nextBit = 0;
  const tipBit = (sha: string) => {
    if (!isObjectId(sha)) throw new Error(`countReachable: not an object id: ${sha}`);
    let index = bitOf.get(sha);
    if (index === undefined) bitOf.set(sha, (index = nextBit++));
    return index;
  };
  // Callers usually pass one shared array for a large negative set: key it by identity first.
  const groupByArray = new Map<readonly string[], number>();
  const groupBit = (negatives: readonly string[]) => {
    const known = groupByArray.get(negatives);
    if (known !== undefined) return known;
    const bit = groupBitBySet(negatives);
    groupByArray.set(negatives, bit);
    return bit;
  };
  const groupBitBySet = (negatives: readonly string[]) => {
    const members = [...new Set(negatives)].sort();
    const key = members.join(',');
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { bit: nextBit++, members }));
    return group.bit;
  };
  const compiled = queries.map((query) => ({
    pos: tipBit(query.positive),
    negs: query.negatives.length > GROUP_THRESHOLD ? [groupBit(query.negatives)] : query.negatives.map(tipBit),
  }));
  const words = Math.max(1, Math.ceil(nextBit / 32));

  // Initial masks for every tip.
  const pending = new Map<string, Uint32Array>();
  const maskFor = (sha: string) => {
    let mask = pending.get(sha);
    if (mask === undefined) pending.set(sha, (mask = new Uint32Array(words)));
    return mask;
  };
  for (const [sha, index] of bitOf) maskFor(sha)[index >>> 5]! |= 1 << (index & 31);
  for (const group of groups.values()) {
    for (const sha of group.members) {
      if (!isObjectId(sha)) throw new Error(`countReachable: not an object id: ${sha}`);
      maskFor(sha)[group.bit >>> 5]! |= 1 << (group.bit & 31);
    }
  }

  // Queries indexed by their positive bit: a commit can only count for, or keep alive, queries
  // whose positive tip reaches it, so only its set bits are visited (not every query).
  const byPositive: number[][] = Array.from({ length: nextBit }, () => []);
  compiled.forEach((q, i) => byPositive[q.pos]!.push(i));
  // Bits used as a positive somewhere: only these are visited (negatives never count by themselves).
  const positiveWords = new Uint32Array(words);
  for (const q of compiled) positiveWords[q.pos >>> 5]! |= 1 << (q.pos & 31);
  const has = (mask: Uint32Array, index: number) => (mask[index >>> 5]! & (1 << (index & 31))) !== 0;
  const counts0 = (mask: Uint32Array, i: number) => !compiled[i]!.negs.some((n) => has(mask, n));
  const forEachCounted = (mask: Uint32Array, visit: (query: number) => boolean | void): boolean => {
    for (let w = 0; w < words; w++) {
      let bits = mask[w]! & positiveWords[w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const list = byPositive[(w << 5) + 31 - Math.clz32(low)];
        if (list === undefined) continue;
        for (const i of list) if (counts0(mask, i) && visit(i) === true) return true;
      }
    }
    return false;
  };
  const isLive = (mask: Uint32Array) => forEachCounted(mask, () => true);
  const live = new Set<string>();
  for (const [sha, mask] of pending) if (isLive(mask)) live.add(sha);
  if (live.size === 0) return counts;

  const tips = [...pending.keys()];
  await runner.streamLines(
    ['rev-list', '--topo-order', '--parents', '--stdin'],
    (line) => {
      const shas = line.split(' ');
      const sha = shas[0]!;
      const mask = pending.get(sha) ?? new Uint32Array(words);
      pending.delete(sha);
      live.delete(sha);
      forEachCounted(mask, (i) => {
        counts[i]! += 1;
      });
      for (let p = 1; p < shas.length; p++) {
        const parent = shas[p]!;
        const parentMask = maskFor(parent);
        let changed = false;
        for (let w = 0; w < words; w++) {
          const merged = parentMask[w]! | mask[w]!;
          if (merged !== parentMask[w]) {
            parentMask[w] = merged;
            changed = true;
          }
        }
        if (changed) {
          if (isLive(parentMask)) live.add(parent);
          else live.delete(parent);
        }
      }
      return live.size > 0;
    },
    { ...options, gitDir, input: tips.join('\n') + '\n' },
  );
  return counts;
}
