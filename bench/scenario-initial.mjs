// Scenario 3: the first sync of a gate against `git clone --mirror` of an upstream that also
// carries thousands of refs/pull/*/head refs (which a mirror clone fetches and a gate does not).
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { GitGate } from '../dist/index.js';
import { diskKiB, git, historyRepo } from './fixtures.mjs';
import { alternate, gitProfiler, kib, ms, ratio, timeOnce } from './measure.mjs';

const COMMITS = 20_000;
const PULLS = 3_000;

export async function scenarioInitial(table, root, { iterations = 5 } = {}) {
  const upstream = await historyRepo(path.join(root, 'upstream-20k.git'), { commits: COMMITS, files: 2000, dirs: 50, branches: 19, tags: 10, pulls: PULLS });
  let serial = 0;
  const sizes = {};
  const cloneCase = (name, fsck) => ({
    name,
    setup: () => path.join(root, `initial-${name}-${++serial}.git`),
    // --no-local: a local-path clone would hardlink the upstream's objects and transfer nothing;
    // the gate's fetch always goes through upload-pack, so the raw clone does too.
    run: (dir) => git([...(fsck ? ['-c', 'transfer.fsckObjects=true'] : []), 'clone', '--mirror', '--no-local', '--quiet', upstream.dir, dir]),
    teardown: async (dir) => {
      sizes[name] ??= await diskKiB(dir);
      await rm(dir, { recursive: true, force: true });
    },
  });
  const results = await alternate([
    {
      name: 'gate',
      setup: () => {
        const gatePath = path.join(root, `initial-gate-${++serial}`);
        return { gatePath, gate: new GitGate({ scope: 'bench', gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true }) };
      },
      run: async (ctx) => {
        ctx.result = await ctx.gate.sync();
      },
      teardown: async (ctx) => {
        if (!ctx.result.success || !ctx.result.created) throw new Error(`initial sync failed: ${JSON.stringify(ctx.result.errors)}`);
        sizes.gate ??= await diskKiB(ctx.gatePath);
        await rm(ctx.gatePath, { recursive: true, force: true });
        await rm(`${ctx.gatePath}.lock`, { recursive: true, force: true });
      },
    },
    cloneCase('raw-fsck', true),
    cloneCase('raw-plain', false),
  ], { iterations, warmup: 1 });

  const profiler = gitProfiler();
  const gatePath = path.join(root, 'initial-gate-profile');
  const profiled = await timeOnce(() => new GitGate({ scope: 'bench', gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true, logger: profiler.logger }).sync());
  // Where the bytes are: the gate next to one more mirror clone.
  const mirror = path.join(root, 'initial-mirror-breakdown.git');
  await git(['-c', 'transfer.fsckObjects=true', 'clone', '--mirror', '--no-local', '--quiet', upstream.dir, mirror]);
  const breakdown = async (dir) => {
    const parts = { pack: 'objects/pack', 'commit-graph': 'objects/info', 'refs+packed-refs': ['refs', 'packed-refs'], reflogs: 'logs' };
    const out = [];
    for (const [label, rel] of Object.entries(parts)) {
      let total = 0;
      for (const one of [rel].flat()) total += existsSync(path.join(dir, one)) ? await diskKiB(path.join(dir, one)) : 0;
      out.push(`${label} ${kib(total)}`);
    }
    return out.join(', ');
  };
  const gateParts = await breakdown(gatePath);
  const mirrorParts = await breakdown(mirror);

  const g = results.gate.median;
  const rf = results['raw-fsck'].median;
  const rp = results['raw-plain'].median;
  table.add({ scenario: '3', measure: `initial sync (${COMMITS / 1000}k commits, ${PULLS} pull refs): time`, gate: ms(g), raw: ms(rf), ratio: ratio(g / rf), target: 'gate/raw <= 1.05x', pass: g / rf <= 1.05 });
  table.add({ scenario: '3', measure: '  same: on-disk size (du -sk)', gate: kib(sizes.gate), raw: kib(sizes['raw-fsck']), ratio: ratio(sizes.gate / sizes['raw-fsck']), target: 'gate smaller', pass: sizes.gate < sizes['raw-fsck'] });
  table.add({ scenario: '3', measure: '  plain clone --mirror (no fsck): time', gate: ms(g), raw: ms(rp), ratio: ratio(g / rp), target: '-', pass: null });
  table.add({ scenario: '3', measure: '  plain clone --mirror (no fsck): size', gate: kib(sizes.gate), raw: kib(sizes['raw-plain']), ratio: ratio(sizes.gate / sizes['raw-plain']), target: '-', pass: null });
  table.note(`[3] raw = git -c transfer.fsckObjects=true clone --mirror --no-local <upstream> (the gate's first sync clones with transfer.fsckObjects=true too); "plain" = the same without fsck, for information. --no-local so both sides go through upload-pack; median of ${iterations} alternating runs after 1 warm-up.`);
  table.note(`[3] gate profile (one untimed run): ${profiler.summary(profiled.ms)}`);
  table.note(`[3] du breakdown: gate: ${gateParts}; clone --mirror: ${mirrorParts}.`);
}
