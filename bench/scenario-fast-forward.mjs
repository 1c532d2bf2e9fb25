// Scenario 1: 1,000 branches that all fast-forward. The gate was synced; then every upstream
// branch got one new commit; gate.sync() is timed against a raw fetch into a bare mirror that
// was equally up to date before.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { GitGate } from '../dist/index.js';
import { advanceBranches, copyTree, gitDir, historyRepo, initBare } from './fixtures.mjs';
import { alternate, gitProfiler, ms, ratio, timeOnce } from './measure.mjs';

export const BRANCHES = 1000;

/**
 * The shared fixture of scenarios 1 and 4: an upstream with 1,000 branches (main + 999), a gate
 * and a raw mirror synced with it, and then one new upstream commit on every branch.
 */
export async function thousandBranchFixture(root) {
  const upstream = await historyRepo(path.join(root, 'upstream-1000.git'), { commits: 200, branches: BRANCHES - 1 });
  const branches = ['main', ...upstream.branches];
  const gateTemplate = path.join(root, 'gate-1000-template');
  const first = await new GitGate({ scope: 'bench', gatePath: gateTemplate, upstreamUrl: upstream.dir, allowLocalUpstream: true }).sync();
  if (!first.success || first.applied.length !== BRANCHES) throw new Error(`template sync failed: ${JSON.stringify(first.errors)} (${first.applied.length} applied)`);
  const rawTemplate = await initBare(path.join(root, 'raw-1000-template.git'));
  await gitDir(rawTemplate, ['fetch', '--quiet', upstream.dir, '+refs/heads/*:refs/heads/*']);
  await advanceBranches(upstream.dir, branches);
  return { upstream: upstream.dir, branches, gateTemplate, rawTemplate };
}

export async function scenarioFastForward(table, root, fixture, { iterations = 5 } = {}) {
  let serial = 0;
  const freshGate = async () => {
    const gatePath = path.join(root, `ff-gate-${++serial}`);
    await copyTree(fixture.gateTemplate, gatePath);
    return { gatePath, gate: new GitGate({ scope: 'bench', gatePath, upstreamUrl: fixture.upstream, allowLocalUpstream: true }) };
  };
  const results = await alternate([
    {
      name: 'gate',
      setup: freshGate,
      run: async (ctx) => {
        ctx.result = await ctx.gate.sync();
      },
      teardown: async (ctx) => {
        if (!ctx.result.success || ctx.result.applied.length !== BRANCHES || ctx.result.applied.some((c) => c.kind !== 'fast_forward')) {
          throw new Error(`gate sync did not fast-forward ${BRANCHES} branches: ${JSON.stringify(ctx.result.errors)} (${ctx.result.applied.length} applied)`);
        }
        await rm(ctx.gatePath, { recursive: true, force: true });
        await rm(`${ctx.gatePath}.lock`, { recursive: true, force: true });
      },
    },
    {
      name: 'raw',
      setup: async () => {
        const dir = path.join(root, `ff-raw-${++serial}.git`);
        await copyTree(fixture.rawTemplate, dir);
        return dir;
      },
      run: (dir) => gitDir(dir, ['-c', 'transfer.fsckObjects=true', 'fetch', '--quiet', fixture.upstream, '+refs/heads/*:refs/heads/*']),
      teardown: (dir) => rm(dir, { recursive: true, force: true }),
    },
  ], { iterations, warmup: 1 });

  // One more, untimed, run with the git processes recorded, to show where the time goes.
  const profiler = gitProfiler();
  const { gatePath } = await freshGate();
  const profiled = await timeOnce(() => new GitGate({ scope: 'bench', gatePath, upstreamUrl: fixture.upstream, allowLocalUpstream: true, logger: profiler.logger }).sync());

  // The floor under the gate figure: the one ref transaction it must run (every branch and its
  // snapshot, with reflogs), timed alone. Run on the profiled gate, moving the refs back.
  const parse = (text) => new Map(text.trim().split('\n').map((line) => line.split(' ').reverse()));
  const listRefs = (dir) => gitDir(dir, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/gate/upstream']).then(parse);
  const [before, after] = await Promise.all([listRefs(fixture.gateTemplate), listRefs(gatePath)]);
  const moveBack = ['start', ...[...after].filter(([ref, sha]) => before.get(ref) !== sha).map(([ref, sha]) => `update ${ref} ${before.get(ref)} ${sha}`), 'prepare', 'commit', ''].join('\n');
  const transaction = await timeOnce(() => gitDir(gatePath, ['-c', 'core.logAllRefUpdates=always', '-c', 'core.warnAmbiguousRefs=false', 'update-ref', '--stdin'], { input: moveBack }));

  const gate = results.gate.median;
  const raw = results.raw.median;
  table.add({ scenario: '1', measure: `sync, ${BRANCHES} branches fast-forward`, gate: ms(gate), raw: ms(raw), ratio: ratio(gate / raw), target: 'gate < 0.5 s', pass: gate < 500 });
  table.note(`[1] raw = git -c transfer.fsckObjects=true fetch <upstream> '+refs/heads/*:refs/heads/*' into a bare mirror at the same state; ratio for information; median of ${iterations} alternating runs.`);
  table.add({ scenario: '1', measure: `  floor: its one update-ref of ${(moveBack.split('\n').length - 4)} refs alone`, gate: ms(transaction.ms), raw: ms(raw), ratio: ratio(transaction.ms / raw), target: '-', pass: null });
  table.note(`[1] gate profile (one untimed run): ${profiler.summary(profiled.ms)}`);
  table.note('[1] floor = the gate\'s one ref transaction (each branch and its hidden snapshot, reflogs on) timed alone: git\'s files backend writes one lock file, one rename and one reflog line per ref.');
}
