import { describe, expect, it } from 'vitest';
import { GitGate, silentLogger } from '../../src/index.js';
import { GitRunner, inspectRemote, parseUpstreamUrl } from '../../src/git/index.js';
import type { GateContext } from '../../src/gate/context.js';
import { lockPathFor } from '../../src/gate/layout.js';
import { acquireGateLock } from '../../src/gate/lock.js';
import { surveyUpstream } from '../../src/gate/survey.js';
import { gateOnLocalUpstream } from '../helpers/gate-fixture.js';
import { allRefs, git, headsOf } from '../helpers/git-fixture.js';

// Upstream forgets a commit for good: its branch is rewritten, reflogs expired, objects pruned.
async function rewriteAndPrune(upstream: { dir: string; rewrite(branch: string, to: string): Promise<string> }, branch: string, to: string): Promise<string> {
  const rewritten = await upstream.rewrite(branch, to);
  await git(upstream.dir, 'reflog', 'expire', '--expire=now', '--all');
  await git(upstream.dir, 'gc', '-q', '--prune=now');
  return rewritten;
}

describe('upstream moving while a sync runs', () => {
  it('a listing that went stale before the fetch is replaced by upstream as it is now', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const base = await upstream.sha('main');
    await upstream.commit('main', 'listed, then forgotten');
    const runner = new GitRunner({});
    const url = parseUpstreamUrl(upstream.dir, { allowLocal: true });
    const stale = await inspectRemote(runner, url);
    // Between the listing and the fetch, the listed tip disappears upstream.
    const now = await rewriteAndPrune(upstream, 'main', base);
    const ctx: GateContext = {
      scope: 'demo', gatePath, upstream: url, defaultBranch: undefined, runner, logger: silentLogger(),
      maxRefs: 50_000, networkTimeoutMs: undefined, transport: async () => ({ env: {}, config: [] }),
    };
    const survey = await surveyUpstream(ctx, { gateExists: true, inspection: stale, identity: null });
    expect(survey.notes).toContain('upstream moved while it was being synced; the gate took its newest state');
    expect(survey.upstreamHeads.get('main')).toBe(now);
    // The rewrite still descends from the gate's main: a fast-forward to it, not to the forgotten tip.
    expect(survey.classification.changes).toEqual([{ branch: 'main', kind: 'fast_forward', oldSha: base, newSha: now }]);
    expect(survey.classification.pending).toEqual([]);
    expect((await headsOf(gatePath)).get('main')).toBe(base); // a survey applies nothing
  });

  it('a sync that waited long for the gate lock lists upstream again instead of trusting its early listing', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const held = await acquireGateLock(lockPathFor(gatePath), { logger: silentLogger() });
    const syncing = gate.sync();
    // Let the early listing finish, then move upstream while the sync still waits for the lock.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const later = await upstream.commit('main', 'pushed while the sync waited');
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    await held.release();
    const result = await syncing;
    expect(result.errors).toEqual([]);
    expect(result.applied).toEqual([expect.objectContaining({ branch: 'main', kind: 'fast_forward', newSha: later })]);
    expect((await allRefs(gatePath)).get('refs/gate/upstream/main')).toBe(later);
  });

  it('a fresh listing taken while the lock was free is used as it is', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const next = await upstream.commit('main');
    const other = new GitGate({ scope: 'demo', gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true });
    const result = await other.sync();
    expect(result.errors).toEqual([]);
    expect(result.fetched).toBe(true);
    expect(result.applied).toEqual([expect.objectContaining({ branch: 'main', kind: 'fast_forward', newSha: next })]);
    // The objects came without any incoming ref: sync writes refs in its one transaction only.
    expect([...(await allRefs(gatePath)).keys()].filter((ref) => ref.startsWith('refs/gate/incoming/'))).toEqual([]);
  });
});
