// Scenario 2: a sync with nothing to do against the equivalent raw no-op fetch of the same
// upstream into a bare mirror.
import path from 'node:path';
import { GitGate } from '../dist/index.js';
import { git, gitDir, historyRepo, initBare } from './fixtures.mjs';
import { alternate, gitProfiler, ms, ratio, timeOnce } from './measure.mjs';

export async function scenarioNoop(table, root, { iterations = 21 } = {}) {
  const upstream = await historyRepo(path.join(root, 'upstream-noop.git'), { commits: 3000, branches: 49, tags: 10 });
  const gatePath = path.join(root, 'noop-gate');
  const gate = new GitGate({ scope: 'bench', gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true });
  const first = await gate.sync();
  if (!first.success) throw new Error(`initial sync failed: ${JSON.stringify(first.errors)}`);
  const mirror = await initBare(path.join(root, 'noop-raw.git'));
  const rawArgs = ['fetch', '--prune', upstream.dir, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];
  await gitDir(mirror, rawArgs);

  const results = await alternate([
    {
      name: 'gate',
      run: async () => {
        const result = await gate.sync();
        if (!result.success || result.fetched || result.applied.length > 0) throw new Error(`no-op sync did something: ${JSON.stringify(result)}`);
      },
    },
    { name: 'raw', run: () => gitDir(mirror, rawArgs) },
    // The floor under any sync that must look at upstream: one listing.
    { name: 'ls-remote', run: () => git(['ls-remote', '--symref', upstream.dir]) },
  ], { iterations, warmup: 2 });

  const profiler = gitProfiler();
  const profiled = await timeOnce(() => new GitGate({ scope: 'bench', gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true, logger: profiler.logger }).sync());

  const g = results.gate.median;
  const r = results.raw.median;
  table.add({ scenario: '2', measure: 'no-op sync (3,000 commits, 50 branches, 10 tags)', gate: ms(g), raw: ms(r), ratio: ratio(g / r), target: 'gate/raw <= 1.10x', pass: g / r <= 1.1 });
  table.add({ scenario: '2', measure: '  raw git ls-remote --symref alone (floor)', gate: '-', raw: ms(results['ls-remote'].median), ratio: ratio(g / results['ls-remote'].median), target: '-', pass: null });
  table.note(`[2] raw = git --git-dir=<mirror> fetch --prune <upstream> '+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*'; the same GitGate instance syncs each time; median of ${iterations} alternating runs after 2 warm-ups.`);
  table.note(`[2] gate profile (one untimed run): ${profiler.summary(profiled.ms)}`);
}
