// Scenario 5: refreshing the clone cache after one upstream commit, against what it replaces: a
// fresh `git clone --no-local --no-hardlinks` of the gate with a checkout.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { GitGate, silentLogger } from '../dist/index.js';
// The refresh alone, as GitGate runs it after a sync: internal modules, so it can be timed without a sync in front.
import { refreshCloneCache } from '../dist/gate/clone-cache/clone-cache.js';
import { readHeadTarget } from '../dist/gate/gate-repo.js';
import { readRefState } from '../dist/gate/ref-state.js';
import { GitRunner } from '../dist/git/index.js';
import { commitOnMain, git, wideRepo } from './fixtures.mjs';
import { alternate, gitProfiler, ms, ratio, spawnCost, timeOnce } from './measure.mjs';

const FILES = 4000;

export async function scenarioCloneCache(table, root, { iterations = 7 } = {}) {
  const upstream = await wideRepo(path.join(root, 'upstream-wide.git'), { files: FILES });
  const gatePath = path.join(root, 'cache-gate');
  const cloneCacheBase = path.join(root, 'cache');
  const common = { scope: 'bench', gatePath, upstreamUrl: upstream, allowLocalUpstream: true };
  // Two instances on the same gate: one refreshes the cache, the other syncs without touching it.
  const cached = new GitGate({ ...common, cloneCacheBase, cache: { graceMs: 0 } });
  const plain = new GitGate(common);
  const expectRefresh = (result) => {
    if (!result.success || !result.cache.refreshed || result.cache.error) throw new Error(`cache was not refreshed: ${JSON.stringify(result.errors)} ${JSON.stringify(result.cache)}`);
  };
  // Version 1 and 2 are full clones; from then on a retired slot (grace 0) is updated in place.
  expectRefresh(await cached.sync());
  await commitOnMain(upstream);
  expectRefresh(await cached.sync());

  const runner = new GitRunner();
  const silent = silentLogger();
  let serial = 0;
  const results = await alternate([
    {
      // Everything a sync with a cache does after one upstream commit.
      name: 'sync+refresh',
      setup: () => commitOnMain(upstream),
      run: async () => expectRefresh(await cached.sync()),
    },
    {
      // The gate is already up to date (synced by the instance without a cache), so this sync
      // finds nothing upstream and only refreshes the cache: an upper bound of the refresh.
      name: 'refresh',
      setup: async () => {
        await commitOnMain(upstream);
        const result = await plain.sync();
        if (!result.success || result.applied.length !== 1) throw new Error(`plain sync failed: ${JSON.stringify(result.errors)}`);
      },
      run: async () => expectRefresh(await cached.sync()),
    },
    {
      // The refresh alone, exactly as GitGate.sync() runs it after the sync: read the gate's
      // refs and HEAD, then fetch + size check + clean + checkout into a retired version.
      name: 'refresh-direct',
      setup: async () => {
        await commitOnMain(upstream);
        const result = await plain.sync();
        if (!result.success || result.applied.length !== 1) throw new Error(`plain sync failed: ${JSON.stringify(result.errors)}`);
      },
      run: async () => {
        const state = await readRefState(runner, gatePath);
        const refresh = await refreshCloneCache(runner, silent, { base: cloneCacheBase, scope: 'bench', graceMs: 0, maxCheckoutBytes: 4 * 1024 ** 3 },
          { gatePath, headBranch: await readHeadTarget(gatePath), heads: state.heads, tags: state.tags });
        if (refresh.how !== 'incremental') throw new Error(`the refresh was not an in-place update: ${refresh.how}`);
      },
    },
    {
      // What the refresh-only figure has on top of the refresh itself.
      name: 'noop-sync',
      run: async () => {
        const result = await plain.sync();
        if (!result.success || result.fetched) throw new Error('the no-op sync fetched');
      },
    },
    {
      name: 'raw',
      setup: () => path.join(root, `cache-raw-${++serial}`),
      run: (dir) => git(['clone', '--quiet', '--no-local', '--no-hardlinks', gatePath, dir]),
      teardown: (dir) => rm(dir, { recursive: true, force: true }),
    },
  ], { iterations, warmup: 1 });

  // One untimed refresh with its git processes recorded (an incremental update runs fetch,
  // ls-tree, checkout and clean in the cache; a full rebuild would run clone).
  await commitOnMain(upstream);
  await plain.sync();
  const profiler = gitProfiler();
  const profiled = await timeOnce(() => new GitGate({ ...common, cloneCacheBase, cache: { graceMs: 0 }, logger: profiler.logger }).sync());
  expectRefresh(profiled.value);
  const incremental = !profiler.calls.some((c) => c.verb === 'clone');
  const spawning = await spawnCost();

  const direct = results['refresh-direct'].median;
  const full = results['sync+refresh'].median;
  const refresh = results.refresh.median;
  const noop = results['noop-sync'].median;
  const raw = results.raw.median;
  table.add({ scenario: '5', measure: `clone-cache refresh after 1 commit (${FILES} files), in place`, gate: ms(direct), raw: ms(raw), ratio: ratio(direct / raw), target: 'gate/raw <= 0.10x (10x faster)', pass: direct / raw <= 0.1 });
  table.add({ scenario: '5', measure: '  no-op sync + refresh (one sync() call)', gate: ms(refresh), raw: ms(raw), ratio: ratio(refresh / raw), target: '-', pass: null });
  table.add({ scenario: '5', measure: '  whole sync after 1 commit, with cache refresh', gate: ms(full), raw: ms(raw), ratio: ratio(full / raw), target: '-', pass: null });
  table.note(`[5] raw = git clone --no-local --no-hardlinks <gate> <dir> with checkout (no fsck, so the fastest fresh copy). The compared gate figure is the refresh alone, timed as GitGate runs it after a sync (read the gate's refs, then update a retired version in place); "no-op sync + refresh" is one sync() call that finds upstream unchanged and refreshes the stale cache. No-op sync alone: ${ms(noop)}. Median of ${iterations} alternating runs after 1 warm-up; slots are updated in place (cache.graceMs 0).`);
  table.note(`[5] refresh profile (one untimed run, ${incremental ? 'incremental update' : 'FULL CLONE'}): ${profiler.summary(profiled.ms)}`);
  table.note(`[5] starting one process from this Node process costs ${ms(spawning.ms)} now (RSS ${spawning.rssMiB.toFixed(0)} MiB; Node forks, so the cost grows with its memory); an in-place refresh starts 7 git processes (for-each-ref, fetch, diff-tree, cat-file, clean, checkout, cat-file -e).`);
}
