import { describe, expect, it } from 'vitest';
import { countReachable, GitRunner, type ReachQuery } from '../../src/git/index.js';
import { git, tempDir } from '../helpers/git-fixture.js';

// A small seeded generator, so a failure names a reproducible graph.
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A random DAG of commits (roots, chains, merges of up to three parents) in a bare repository. */
async function randomHistory(seed: number, size: number): Promise<{ dir: string; commits: string[] }> {
  const dir = await tempDir('reach-');
  await git(dir, 'init', '-q', '--bare');
  const tree = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'; // the empty tree, which git always knows
  const random = prng(seed);
  const commits: string[] = [];
  for (let i = 0; i < size; i++) {
    const parents = new Set<string>();
    if (commits.length > 0 && random() > 0.08) {
      const count = random() < 0.2 ? 2 + Math.floor(random() * 2) : 1;
      // Mostly recent parents (long chains), sometimes old ones (long-lived branches).
      for (let p = 0; p < count; p++) parents.add(commits[random() < 0.7 ? commits.length - 1 - Math.floor(random() * Math.min(4, commits.length)) : Math.floor(random() * commits.length)]!);
    }
    commits.push(await git(dir, 'commit-tree', tree, '-m', `c${i}`, ...[...parents].flatMap((parent) => ['-p', parent])));
  }
  return { dir, commits };
}

describe('countReachable', () => {
  for (const seed of [1, 2, 3]) {
    it(`agrees with git rev-list --count on random questions about a random history (seed ${seed})`, async () => {
      const { dir, commits } = await randomHistory(seed, 70);
      const random = prng(seed * 7919);
      const pick = () => commits[Math.floor(random() * commits.length)]!;
      const shared = Array.from({ length: 6 }, pick); // one large negative set, shared by identity
      const queries: ReachQuery[] = [];
      for (let i = 0; i < 60; i++) {
        const size = Math.floor(random() * 4);
        queries.push({ positive: pick(), negatives: random() < 0.3 ? shared : Array.from({ length: size }, pick) });
      }
      const counts = await countReachable(new GitRunner({}), dir, queries);
      const expected = await Promise.all(queries.map(async (query) => Number(await git(dir, 'rev-list', '--count', query.positive, '--not', ...query.negatives))));
      expect(counts).toEqual(expected);
    });
  }

  it('answers a question whose positive is also a negative with zero, and an empty question list without running git', async () => {
    const { dir, commits } = await randomHistory(9, 10);
    const tip = commits.at(-1)!;
    expect(await countReachable(new GitRunner({}), dir, [{ positive: tip, negatives: [tip] }])).toEqual([0]);
    expect(await countReachable(new GitRunner({ gitPath: '/nonexistent/git' }), dir, [])).toEqual([]);
  });
});
