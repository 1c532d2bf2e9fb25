import { describe, expect, it } from 'vitest';
import { gateOnLocalUpstream } from '../helpers/gate-fixture.js';
import { git, headsOf, pushToGate } from '../helpers/git-fixture.js';

// A small seeded PRNG (mulberry32) so a failing sequence can be replayed from its seed.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function reachable(repo: string, ...revs: string[]): Promise<Set<string>> {
  const out = await git(repo, 'rev-list', ...revs, '--');
  return new Set(out.split('\n').filter(Boolean));
}

const SEEDS = [1, 2, 3, 20261121];
const STEPS = 30;

describe('sync model (randomized)', () => {
  for (const seed of SEEDS) {
    it(`no commit reachable from a gate branch is ever lost without a backup (seed ${seed})`, async () => {
      const random = prng(seed);
      const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      const { upstream, gate, gatePath } = await gateOnLocalUpstream();
      const upstreamBranches = new Set(['main']);
      const seen = new Set<string>();
      const log: string[] = [];

      for (let step = 0; step < STEPS; step++) {
        const roll = random();
        if (roll < 0.25) {
          const branch = random() < 0.3 ? `u${step}` : pick([...upstreamBranches]);
          await upstream.commit(branch);
          upstreamBranches.add(branch);
          log.push(`upstream commit ${branch}`);
        } else if (roll < 0.35 && upstreamBranches.size > 0) {
          const branch = pick([...upstreamBranches]);
          await upstream.rewrite(branch, `${await upstream.sha(branch)}~${random() < 0.5 ? 0 : 1}`).catch(() => upstream.commit(branch));
          log.push(`upstream rewrite ${branch}`);
        } else if (roll < 0.42 && upstreamBranches.size > 1) {
          const branch = pick([...upstreamBranches].filter((b) => b !== 'main'));
          await upstream.deleteBranch(branch);
          upstreamBranches.delete(branch);
          log.push(`upstream delete ${branch}`);
        } else if (roll < 0.6) {
          const heads = await headsOf(gatePath).catch(() => new Map<string, string>());
          if (heads.size > 0) {
            // Containers only add work here (fast-forwards or new branches); forced pushes are the daemon's business.
            const [branch, sha] = pick([...heads]);
            const target = random() < 0.5 ? branch : `agent/t${step}/work`;
            await pushToGate(gatePath, target, sha, `gate work ${step}`);
            log.push(`gate push ${target}`);
          }
        } else if (roll < 0.85) {
          const selective = random() < 0.2 && upstreamBranches.size > 0;
          const result = await gate.sync(selective ? { branches: [pick([...upstreamBranches])] } : {});
          expect(result.errors, log.join('\n')).toEqual([]);
          log.push(`sync${selective ? ' (selective)' : ''}: ${result.applied.length} applied, ${result.pending.length} pending`);
        } else {
          const pending = await gate.pendingOps();
          const chosen = pending.filter(() => random() < 0.7);
          const applied = await gate.applyPendingOps(chosen);
          expect(applied.refused, log.join('\n')).toEqual([]);
          log.push(`apply ${chosen.length} pending`);
        }
        // The invariant: everything a gate branch ever reached is still reachable from a branch or a backup.
        const heads = await headsOf(gatePath).catch(() => new Map<string, string>());
        if (heads.size === 0) continue;
        for (const sha of await reachable(gatePath, '--branches')) seen.add(sha);
        const kept = await reachable(gatePath, '--branches', '--glob=refs/gate/backup/*');
        const lost = [...seen].filter((sha) => !kept.has(sha));
        expect(lost, `seed ${seed}, after:\n${log.join('\n')}`).toEqual([]);
      }
      // Upstream's branches all reached the gate or are pending there.
      const final = await gate.sync();
      const gateHeads = await headsOf(gatePath);
      for (const branch of upstreamBranches) {
        const pending = final.pending.find((op) => op.branch === branch);
        if (pending) continue;
        // Either exactly upstream's tip, or upstream's tip with gate work on top.
        const tip = await upstream.sha(branch);
        const head = gateHeads.get(branch);
        expect(head, branch).toBeDefined();
        if (head !== tip) await expect(git(gatePath, 'merge-base', '--is-ancestor', tip, head!), `${branch} contains upstream`).resolves.toBe('');
      }
    });
  }
});
