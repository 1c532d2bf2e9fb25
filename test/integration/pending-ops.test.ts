import { describe, expect, it } from 'vitest';
import { gateOnLocalUpstream } from '../helpers/gate-fixture.js';
import { allRefs, git, headsOf, pushToGate } from '../helpers/git-fixture.js';

describe('pending destructive changes', () => {
  it('an upstream force-push of a branch the gate never changed is a lossless pending force-update', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    const base = await upstream.sha('main');
    const old = await upstream.commit('feature');
    await gate.sync();
    const rewritten = await upstream.rewrite('feature', base);
    const result = await gate.sync();
    expect(result.success).toBe(true);
    expect(result.applied).toEqual([]);
    expect(result.pending).toEqual([{ branch: 'feature', kind: 'force_update', reason: 'upstream_rewrite', gateSha: old, upstreamSha: rewritten, lossless: true, gateOnlyCommits: 0 }]);
    // Nothing visible moved; the attic remembers the last in-sync tip.
    expect((await headsOf(gatePath)).get('feature')).toBe(old);
    expect((await allRefs(gatePath)).get('refs/gate/attic/feature')).toBe(old);
  });

  it('a force-push over gate-local commits is lossy and counts the commits it would discard', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    const base = await upstream.sha('main');
    const old = await upstream.commit('feature');
    await gate.sync();
    const local1 = await pushToGate(gatePath, 'feature', old, 'local one');
    const local2 = await pushToGate(gatePath, 'feature', local1, 'local two');
    const rewritten = await upstream.rewrite('feature', base);
    const result = await gate.sync();
    expect(result.pending).toEqual([{ branch: 'feature', kind: 'force_update', reason: 'upstream_rewrite', gateSha: local2, upstreamSha: rewritten, lossless: false, gateOnlyCommits: 2 }]);
    expect((await headsOf(gatePath)).get('feature')).toBe(local2);
  });

  it('gate commits on a branch upstream only advanced make a diverged, lossy pending op', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    const old = await upstream.sha('main');
    await gate.sync();
    const local = await pushToGate(gatePath, 'main', old, 'local');
    const next = await upstream.commit('main');
    const result = await gate.sync();
    expect(result.pending).toEqual([{ branch: 'main', kind: 'force_update', reason: 'diverged', gateSha: local, upstreamSha: next, lossless: false, gateOnlyCommits: 1 }]);
  });

  it('gate commits on top of an unchanged upstream branch are gate work, not a conflict', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const local = await pushToGate(gatePath, 'main', await upstream.sha('main'), 'local');
    const result = await gate.sync();
    expect(result.pending).toEqual([]);
    expect(result.applied).toEqual([]);
    expect((await headsOf(gatePath)).get('main')).toBe(local);
  });

  it('an upstream delete is a pending delete: lossless without gate commits, lossy with them', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    const a = await upstream.commit('gone-clean');
    await upstream.commit('main');
    const b = await upstream.commit('gone-dirty');
    await gate.sync();
    const local = await pushToGate(gatePath, 'gone-dirty', b, 'local');
    await upstream.deleteBranch('gone-clean');
    await upstream.deleteBranch('gone-dirty');
    const result = await gate.sync();
    expect(result.pending).toEqual([
      { branch: 'gone-clean', kind: 'delete', reason: 'upstream_delete', gateSha: a, upstreamSha: null, lossless: true, gateOnlyCommits: 0 },
      { branch: 'gone-dirty', kind: 'delete', reason: 'upstream_delete', gateSha: local, upstreamSha: null, lossless: false, gateOnlyCommits: 1 },
    ]);
    expect((await headsOf(gatePath)).get('gone-clean')).toBe(a);
    // A second sync still reports them (the attic keeps the proof) and offline listing agrees.
    const again = await gate.sync();
    expect(again.pending).toEqual(result.pending);
    expect(await gate.pendingOps()).toEqual(result.pending);
  });

  it('a gate branch that predates the upstream branch of the same name has unknown provenance, stably', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const mine = await pushToGate(gatePath, 'topic', null, 'gate first');
    const theirs = await upstream.commit('topic');
    const first = await gate.sync();
    expect(first.pending).toEqual([{ branch: 'topic', kind: 'force_update', reason: 'unknown_provenance', gateSha: mine, upstreamSha: theirs, lossless: false, gateOnlyCommits: 1 }]);
    const theirs2 = await upstream.commit('topic');
    const second = await gate.sync();
    expect(second.pending).toEqual([{ ...first.pending[0], upstreamSha: theirs2 }]);
    expect(await gate.pendingOps()).toEqual(second.pending);
  });

  it('the attic keeps the first in-sync tip across repeated upstream rewrites (first writer wins)', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    const base = await upstream.sha('main');
    const inSync = await upstream.commit('feature');
    await gate.sync();
    await upstream.rewrite('feature', base);
    await gate.sync();
    const second = await upstream.rewrite('feature', base);
    const result = await gate.sync();
    expect((await allRefs(gatePath)).get('refs/gate/attic/feature')).toBe(inSync);
    expect(result.pending).toEqual([{ branch: 'feature', kind: 'force_update', reason: 'upstream_rewrite', gateSha: inSync, upstreamSha: second, lossless: true, gateOnlyCommits: 0 }]);
  });

  it('applying writes a unique backup first, then moves or deletes the branch and clears the attic', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    const base = await upstream.sha('main');
    const old = await upstream.commit('feature');
    const doomed = await upstream.commit('doomed');
    await gate.sync();
    const rewritten = await upstream.rewrite('feature', base);
    await upstream.deleteBranch('doomed');
    const { pending } = await gate.sync();
    expect(pending.map((op) => op.branch)).toEqual(['doomed', 'feature']);
    const applied = await gate.applyPendingOps(pending);
    expect(applied.refused).toEqual([]);
    expect(applied.applied).toEqual([
      { branch: 'doomed', kind: 'delete', oldSha: doomed, newSha: null },
      { branch: 'feature', kind: 'force_update', oldSha: old, newSha: rewritten },
    ]);
    const refs = await allRefs(gatePath);
    expect(refs.has('refs/heads/doomed')).toBe(false);
    expect(refs.get('refs/heads/feature')).toBe(rewritten);
    expect(refs.has('refs/gate/attic/feature')).toBe(false);
    expect(applied.backups.map((b) => [b.branch, b.sha])).toEqual([['doomed', doomed], ['feature', old]]);
    for (const backup of applied.backups) {
      expect(backup.ref).toMatch(/^refs\/gate\/backup\/(doomed|feature)\/\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{40}$/);
      expect(refs.get(backup.ref)).toBe(backup.sha);
    }
    expect((await gate.sync()).pending).toEqual([]);
  });

  it('applying refuses an op whose branch moved since it was listed, and changes nothing for it', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    const base = await upstream.sha('main');
    const old = await upstream.commit('feature');
    await gate.sync();
    await upstream.rewrite('feature', base);
    const { pending } = await gate.sync();
    const moved = await pushToGate(gatePath, 'feature', old, 'pushed after listing');
    const applied = await gate.applyPendingOps(pending);
    expect(applied.applied).toEqual([]);
    expect(applied.refused).toEqual([expect.objectContaining({ branch: 'feature', code: 'GATE_PENDING_STALE' })]);
    expect((await headsOf(gatePath)).get('feature')).toBe(moved);
    expect([...(await allRefs(gatePath)).keys()].filter((r) => r.startsWith('refs/gate/backup/'))).toEqual([]);
  });

  it('restoring a backup backs up the current tip first, and every backup name stays unique', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    const base = await upstream.sha('main');
    const old = await upstream.commit('feature');
    await gate.sync();
    await upstream.rewrite('feature', base);
    const first = await gate.sync();
    await gate.applyPendingOps(first.pending);
    // Put the old tip back and make it pending again, then apply: same branch, same sha.
    const [backup] = await gate.listBackups();
    await gate.restoreBackup(backup!.ref);
    expect((await headsOf(gatePath)).get('feature')).toBe(old);
    const backups = await gate.listBackups();
    expect(new Set(backups.map((b) => b.ref)).size).toBe(backups.length);
    expect(backups.length).toBe(2);
    await git(gatePath, 'update-ref', 'refs/gate/backup/feature/20260101T000000.000Z-' + old, old);
    const names = (await gate.listBackups()).map((b) => b.ref);
    expect(new Set(names).size).toBe(names.length);
  });
});
