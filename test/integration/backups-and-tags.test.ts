import { describe, expect, it } from 'vitest';
import { gateOnLocalUpstream } from '../helpers/gate-fixture.js';
import { allRefs, git, headsOf, pushToGate } from '../helpers/git-fixture.js';

describe('backups', () => {
  it('restore round trip: a discarded tip comes back, and the tip it replaces is kept too', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    const base = await upstream.sha('main');
    const old = await upstream.commit('feature');
    await gate.sync();
    const local = await pushToGate(gatePath, 'feature', old, 'precious');
    const rewritten = await upstream.rewrite('feature', base);
    const { pending } = await gate.sync();
    const { backups } = await gate.applyPendingOps(pending);
    expect((await headsOf(gatePath)).get('feature')).toBe(rewritten);
    const restored = await gate.restoreBackup(backups[0]!.ref);
    expect(restored).toEqual({ branch: 'feature', sha: local, backupOfCurrent: expect.objectContaining({ branch: 'feature', sha: rewritten }) });
    expect((await headsOf(gatePath)).get('feature')).toBe(local);
    expect((await gate.listBackups()).map((b) => b.sha).sort()).toEqual([local, rewritten].sort());
  });

  it('prune deletes only git-gate backups older than the limit, and delete refuses unknown refs', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const sha = await upstream.sha('main');
    await git(gatePath, 'update-ref', `refs/gate/backup/main/20200101T000000.000Z-${sha}`, sha);
    await git(gatePath, 'update-ref', `refs/gate/backup/main/${new Date().toISOString().replace(/[-:]/g, '')}-${sha}`, sha);
    await git(gatePath, 'update-ref', 'refs/gate/backup/main/not-ours', sha);
    const pruned = await gate.pruneBackups(30);
    expect(pruned.map((b) => b.ref)).toEqual([`refs/gate/backup/main/20200101T000000.000Z-${sha}`]);
    const refs = await allRefs(gatePath);
    expect(refs.has('refs/gate/backup/main/not-ours')).toBe(true);
    expect((await gate.listBackups()).length).toBe(1);
    await expect(gate.deleteBackup('refs/gate/backup/main/not-ours')).rejects.toMatchObject({ code: 'GATE_BACKUP_NOT_FOUND' });
    await expect(gate.deleteBackup('refs/heads/main')).rejects.toMatchObject({ code: 'GATE_BACKUP_NOT_FOUND' });
    const [left] = await gate.listBackups();
    await gate.deleteBackup(left!.ref);
    expect(await gate.listBackups()).toEqual([]);
  });

  it('sync prunes backups past the retention period when backups are enabled', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream({ backups: { enabled: true, retentionDays: 7 } });
    await gate.sync();
    const sha = await upstream.sha('main');
    await git(gatePath, 'update-ref', `refs/gate/backup/main/20200101T000000.000Z-${sha}`, sha);
    const result = await gate.sync();
    expect(result.notes.join('\n')).toContain('pruned 1 backup');
    expect(await gate.listBackups()).toEqual([]);
  });
});

describe('tags', () => {
  it('new upstream tags are created; a moved upstream tag is reported and the gate keeps its own', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    const first = await upstream.sha('main');
    await upstream.tag('v1', first);
    await upstream.tag('light', first, false);
    const result = await gate.sync();
    expect(result.tags.created).toEqual(['light', 'v1']);
    const v1 = (await allRefs(gatePath)).get('refs/tags/v1');
    const next = await upstream.commit('main');
    await upstream.tag('v1', next);
    await upstream.tag('v2', next);
    const again = await gate.sync();
    expect(again.success).toBe(true);
    expect(again.tags.created).toEqual(['v2']);
    expect(again.tags.moved).toEqual([{ tag: 'v1', gateSha: v1, upstreamSha: (await allRefs(upstream.dir)).get('refs/tags/v1') }]);
    // The moved tag blocked nothing: the branch still fast-forwarded.
    expect(again.applied).toEqual([expect.objectContaining({ branch: 'main', kind: 'fast_forward', newSha: next })]);
    expect((await allRefs(gatePath)).get('refs/tags/v1')).toBe(v1);
  });

  it('a tag deleted upstream stays in the gate', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await upstream.tag('keep-me', await upstream.sha('main'));
    await gate.sync();
    await git(upstream.dir, 'tag', '-d', 'keep-me');
    const result = await gate.sync();
    expect(result.success).toBe(true);
    expect((await allRefs(gatePath)).has('refs/tags/keep-me')).toBe(true);
  });
});

describe('HEAD and empty upstreams', () => {
  it('HEAD follows an upstream default-branch rename', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    expect(await git(gatePath, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
    await git(upstream.dir, 'branch', '-m', 'main', 'trunk');
    const result = await gate.sync();
    expect(await git(gatePath, 'symbolic-ref', 'HEAD')).toBe('refs/heads/trunk');
    expect(result.notes.join('\n')).toContain('HEAD now follows');
    // The old name is now an upstream delete, kept until confirmed.
    expect(result.pending).toEqual([expect.objectContaining({ branch: 'main', kind: 'delete', lossless: true })]);
  });

  it('an empty upstream makes an empty gate; its first commit then arrives as a create', async () => {
    const { root } = await gateOnLocalUpstream();
    const { Upstream } = await import('../helpers/git-fixture.js');
    const { GitGate } = await import('../../src/index.js');
    const empty = await Upstream.create(`${root}/empty-root`, { empty: true });
    const gatePath = `${root}/gates/empty.git`;
    const gate = new GitGate({ scope: 'empty', gatePath, upstreamUrl: empty.dir, allowLocalUpstream: true });
    const result = await gate.sync();
    expect(result).toMatchObject({ success: true, created: true, applied: [], pending: [] });
    expect((await headsOf(gatePath)).size).toBe(0);
    const sha = await empty.commit('main');
    expect((await gate.sync()).applied).toEqual([{ branch: 'main', kind: 'create', oldSha: null, newSha: sha }]);
  });
});
