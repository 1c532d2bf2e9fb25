import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cliHome, expectNoStackTrace } from '../helpers/cli-fixture.js';
import { git, pushToGate, tempDir, Upstream } from '../helpers/git-fixture.js';

// Each test has its own state root and upstream, so they run side by side.
async function project(name = 'demo') {
  const cli = await cliHome();
  const upstream = await Upstream.create(await tempDir('gate-up-'));
  const init = await cli.gate('init', name, '--upstream', upstream.dir, '--allow-local');
  expect(init.code, init.stderr).toBe(0);
  return { cli, upstream, gatePath: `${cli.root}/gates/${name}.git` };
}

describe.concurrent('gate sync, status, pending, apply, backups', () => {
  it('init, then sync, then status: branches created, a sync record, nothing stale', async () => {
    const { cli, upstream } = await project();
    const feature = await upstream.commit('feature');
    const main = await upstream.sha('main');
    const before = await cli.gate('status', 'demo');
    expect(before.stdout).toContain('last sync: never');
    expect(before.stdout).toContain('the gate does not exist yet; create it with `gate sync demo`');

    const sync = await cli.gate('sync', 'demo');
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/^synced demo from \S+ in \d+\.\d s \(gate created\)$/m);
    expect(sync.stdout).toContain('created (2):');
    expect(sync.stdout).toMatch(new RegExp(`^  feature +${feature.slice(0, 7)}$`, 'm'));
    expect(sync.stdout).toMatch(new RegExp(`^  main +${main.slice(0, 7)}$`, 'm'));
    expect(sync.stdout).toContain('clone cache: version 1 (refreshed)');
    expect(sync.stderr).toBe('');

    const status = await cli.json('status', 'demo');
    expect(status.code).toBe(0);
    expect(status.body).toMatchObject({ schemaVersion: 1, command: 'status', project: 'demo', mode: 'gatekeeping', upstreamUrl: upstream.dir, gateCreated: true });
    expect(status.body['lastSync']).toMatchObject({ outcome: 'success', errorCode: null, counts: { applied: 2, pending: 0 }, cacheVersion: 1 });
    expect(status.body['branches']).toEqual([
      expect.objectContaining({ branch: 'feature', gateHead: feature, upstreamHead: feature, isStale: false, commitsBehind: 0, commitsAhead: 0, error: null }),
      expect.objectContaining({ branch: 'main', gateHead: main, isStale: false, error: null }),
    ]);

    const next = await upstream.commit('main');
    const human = await cli.gate('status', 'demo');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^last sync: \S+ \(just now|\d+ s ago\), success, 0 pending, clone cache version 1$/m);
    expect(human.stdout).toMatch(/^main +1 +0 +stale$/m);

    const again = await cli.json('sync', 'demo');
    expect(again.code).toBe(0);
    expect(again.body).toMatchObject({ command: 'sync', project: 'demo', success: true, created: false, pending: [], errors: [], pendingApplied: null });
    expect(again.body['applied']).toEqual([{ branch: 'main', kind: 'fast_forward', oldSha: main, newSha: next }]);
  });

  it('an upstream rewrite is left pending with exit 3 and says how to apply it; --destructive applies it with a backup', async () => {
    const { cli, upstream, gatePath } = await project();
    const base = await upstream.sha('main');
    const old = await upstream.commit('feature');
    expect((await cli.gate('sync', 'demo')).code).toBe(0);
    const rewritten = await upstream.rewrite('feature', base);

    const sync = await cli.gate('sync', 'demo');
    expect(sync.code, sync.stderr).toBe(3);
    expect(sync.stdout).toContain('pending destructive changes (1):');
    expect(sync.stdout).toMatch(new RegExp(`^  feature +force-update +${old.slice(0, 7)} → ${rewritten.slice(0, 7)} +upstream rewrote history; lossless$`, 'm'));
    expect(sync.stdout).toContain('gate apply demo --all');
    expect(await git(gatePath, 'rev-parse', 'refs/heads/feature')).toBe(old);

    const pending = await cli.json('pending', 'demo');
    expect(pending.body['pending']).toEqual([{ branch: 'feature', kind: 'force_update', reason: 'upstream_rewrite', gateSha: old, upstreamSha: rewritten, lossless: true, gateOnlyCommits: 0 }]);

    const applied = await cli.json('sync', 'demo', '--destructive');
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.body['pendingApplied']).toMatchObject({ applied: [{ branch: 'feature', kind: 'force_update', oldSha: old, newSha: rewritten }], refused: [] });
    expect(await git(gatePath, 'rev-parse', 'refs/heads/feature')).toBe(rewritten);
    expect((await cli.json('status', 'demo')).body['lastSync']).toMatchObject({ outcome: 'success', counts: { pending: 0 } });

    const backups = await cli.json('backups', 'demo', 'list');
    const list = backups.body['backups'] as Array<{ ref: string; branch: string; sha: string }>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ branch: 'feature', sha: old });
    expect(list[0]!.ref).toMatch(/^refs\/gate\/backup\/feature\//);

    const restore = await cli.gate('backups', 'demo', 'restore', list[0]!.ref);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`restored feature to ${old.slice(0, 7)}`);
    expect(restore.stdout).toContain(`its previous tip ${rewritten.slice(0, 7)} was backed up as refs/gate/backup/feature/`);
    expect(await git(gatePath, 'rev-parse', 'refs/heads/feature')).toBe(old);

    const prune = await cli.json('backups', 'demo', 'prune', '--older-than', '0');
    expect(prune.code).toBe(0);
    expect((prune.body['deleted'] as unknown[]).length).toBe(2);
    const empty = await cli.gate('backups', 'demo');
    expect(empty.stdout.trim()).toBe('no backups for demo');
  });

  it('a rewrite over gate-local commits says how many it would discard; apply --branch applies only that branch', async () => {
    const { cli, upstream, gatePath } = await project();
    const base = await upstream.sha('main');
    const a = await upstream.commit('a');
    await upstream.commit('b');
    expect((await cli.gate('sync', 'demo')).code).toBe(0);
    await pushToGate(gatePath, 'a', a, 'container work');
    await upstream.rewrite('a', base);
    const newB = await upstream.rewrite('b', base);

    const sync = await cli.gate('sync', 'demo');
    expect(sync.code).toBe(3);
    expect(sync.stdout).toMatch(/^ {2}a +force-update .* upstream rewrote history; would discard 1 gate-local commit$/m);

    const apply = await cli.gate('apply', 'demo', '--branch', 'b');
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/^applied \(1\):$/m);
    expect(apply.stdout).toMatch(/^ {2}b +\S+ → \S+ +backup refs\/gate\/backup\/b\//m);
    expect(await git(gatePath, 'rev-parse', 'refs/heads/b')).toBe(newB);
    const left = await cli.json('pending', 'demo');
    expect((left.body['pending'] as Array<{ branch: string }>).map((op) => op.branch)).toEqual(['a']);

    const none = await cli.gate('apply', 'demo', '--branch', 'b');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^gate: error GATE_BRANCH_NOT_FOUND: no pending change for branch b of demo$/m);

    const backup = (await cli.json('backups', 'demo')).body['backups'] as Array<{ ref: string }>;
    const deleted = await cli.gate('backups', 'demo', 'delete', backup[0]!.ref.replace('refs/gate/backup/', ''));
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout.trim()).toBe(`deleted backup ${backup[0]!.ref}`);
    expectNoStackTrace(deleted);
  });

  it('plan shows what sync would do and changes nothing visible', async () => {
    const { cli, upstream, gatePath } = await project();
    expect((await cli.gate('sync', 'demo')).code).toBe(0);
    const topic = await upstream.commit('topic');
    await upstream.tag('v1', 'main');

    const plan = await cli.gate('plan', 'demo');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('would create (1):');
    expect(plan.stdout).toMatch(new RegExp(`^  topic +${topic.slice(0, 7)}$`, 'm'));
    expect(plan.stdout).toContain('tags created (1): v1');
    const json = await cli.json('plan', 'demo');
    expect(json.body).toMatchObject({ schemaVersion: 1, command: 'plan', project: 'demo', changes: [{ branch: 'topic', kind: 'create', oldSha: null, newSha: topic }], pending: [], tags: { created: ['v1'], moved: [] } });
    await expect(git(gatePath, 'rev-parse', '--verify', '-q', 'refs/heads/topic')).rejects.toThrow();
  });

  it('a remoteless project syncs (creates its gate) and reports no upstream in status', async () => {
    const cli = await cliHome();
    const init = await cli.json('init', 'scratch');
    expect(init.body).toMatchObject({ command: 'init', project: { name: 'scratch', mode: 'remoteless', upstreamUrl: null } });
    const sync = await cli.gate('sync', 'scratch');
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/^synced scratch \(remoteless\) in .* \(gate created\)$/m);
    const status = await cli.gate('status', 'scratch');
    expect(status.stdout).toContain('remoteless: no upstream to compare with');
  });

  it('a failed sync exits 1 with the error and fix, and status shows the failure', async () => {
    const { cli, upstream } = await project();
    expect((await cli.gate('sync', 'demo')).code).toBe(0);
    await rm(`${upstream.dir}/.git`, { recursive: true, force: true });
    const sync = await cli.gate('sync', 'demo');
    expect(sync.code).toBe(1);
    expect(sync.stdout).toMatch(/^sync of demo from \S+ failed after \d+\.\d s; the gate keeps its last good state$/m);
    expect(sync.stdout).not.toContain('clone cache');
    expect(sync.stderr).toMatch(/^gate: error GATE_UPSTREAM_\w+: .+\nfix: .+$/);
    expectNoStackTrace(sync);
    const status = await cli.json('status');
    expect(status.body['projects']).toEqual([expect.objectContaining({ project: 'demo', lastSync: expect.objectContaining({ outcome: 'failure', errorCode: expect.stringMatching(/^GATE_/) }) })]);
  });
});
