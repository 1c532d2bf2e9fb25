import { lstat, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateOnLocalUpstream } from '../helpers/gate-fixture.js';
import { git, headsOf, pushToGate } from '../helpers/git-fixture.js';

describe('staleness', () => {
  it('counts are exact even when upstream moved past the last sync, and refs/heads is not touched', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await upstream.commit('feature');
    await gate.sync();
    const synced = await headsOf(gatePath);
    await upstream.commit('main');
    await upstream.commit('main');
    await upstream.commit('main');
    await pushToGate(gatePath, 'feature', synced.get('feature')!, 'ahead by one');
    const all = await gate.staleness();
    const byBranch = new Map(all.map((s) => [s.branch, s]));
    expect(byBranch.get('main')).toMatchObject({ isStale: true, commitsBehind: 3, commitsAhead: 0, gateHead: synced.get('main'), upstreamHead: await upstream.sha('main'), error: null });
    expect(byBranch.get('feature')).toMatchObject({ isStale: false, commitsBehind: 0, commitsAhead: 1 });
    expect(Date.parse(byBranch.get('main')!.lastChecked)).toBeGreaterThan(Date.now() - 60_000);
    expect((await headsOf(gatePath)).get('main')).toBe(synced.get('main'));
    expect(await gate.compareVsUpstream('main')).toMatchObject({ branch: 'main', commitsBehind: 3, isStale: true });
    // Without a branch it compares HEAD's branch, which followed upstream's HEAD at the last sync.
    expect((await gate.compareVsUpstream()).branch).toBe((await git(gatePath, 'symbolic-ref', '--short', 'HEAD')));
  });

  it('fromLastSync compares with the snapshot of the last sync and reaches no upstream', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    const base = await upstream.sha('main');
    await upstream.commit('feature');
    await git(upstream.dir, 'checkout', '-q', 'main');
    await gate.sync();
    // feature is rewritten upstream (pending), main moves on after the sync.
    await upstream.rewrite('feature', base);
    await git(upstream.dir, 'checkout', '-q', 'main');
    expect((await gate.sync()).pending.map((op) => op.branch)).toEqual(['feature']);
    await upstream.commit('main');
    await import('node:fs/promises').then((fs) => fs.rename(upstream.dir, `${upstream.dir}-gone`));
    const offline = new Map((await gate.staleness({ fromLastSync: true })).map((s) => [s.branch, s]));
    expect(offline.get('feature')).toMatchObject({ isStale: true, commitsBehind: 1, commitsAhead: 1, error: null });
    // main was in step with upstream as the last sync saw it; the later commit is not known offline.
    expect(offline.get('main')).toMatchObject({ isStale: false, commitsBehind: 0, commitsAhead: 0, upstreamHead: (await headsOf(gatePath)).get('main'), error: null });
    // The online check would have needed the (now missing) upstream.
    expect((await gate.staleness()).every((row) => row.error?.code === 'GATE_UPSTREAM_NOT_FOUND')).toBe(true);
  });

  it('an unreachable upstream gives an error per branch instead of guessed counts', async () => {
    const { upstream, gate } = await gateOnLocalUpstream();
    await gate.sync();
    await import('node:fs/promises').then((fs) => fs.rename(upstream.dir, `${upstream.dir}-gone`));
    const result = await gate.compareVsUpstream('main');
    expect(result).toMatchObject({ branch: 'main', commitsBehind: null, commitsAhead: null, error: expect.objectContaining({ code: 'GATE_UPSTREAM_NOT_FOUND' }) });
  });
});

describe('clone cache', () => {
  it('publishes a checked-out copy atomically, refreshes after each sync, and seeds workspaces', async () => {
    const { root, upstream, gate } = await gateOnLocalUpstream({ cloneCacheBase: undefined });
    const { GitGate } = await import('../../src/index.js');
    const cacheBase = path.join(root, 'cache');
    const cached = new GitGate({ scope: 'demo', gatePath: gate.gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true, cloneCacheBase: cacheBase, cache: { graceMs: 0 } });
    const first = await cached.sync();
    expect(first.cache).toEqual({ refreshed: true, version: 1, error: null });
    expect((await lstat(cached.cachePath!)).isSymbolicLink()).toBe(true);
    expect(await git(cached.cachePath!, 'rev-parse', 'HEAD')).toBe(await upstream.sha('main'));
    expect((await cached.sync()).cache).toEqual({ refreshed: false, version: 1, error: null });

    await upstream.commit('main', 'second', { 'new.txt': 'new\n' });
    expect((await cached.sync()).cache).toEqual({ refreshed: true, version: 2, error: null });
    const third = await upstream.commit('main', 'third', { 'third.txt': 'third\n' });
    const before = await readlink(cached.cachePath!);
    expect((await cached.sync()).cache).toEqual({ refreshed: true, version: 3, error: null });
    // Slot v1 was past its (zero) grace period and was reused incrementally.
    expect(await readlink(cached.cachePath!)).not.toBe(before);
    expect(await git(cached.cachePath!, 'rev-parse', 'HEAD')).toBe(third);
    expect(await readFile(path.join(cached.cachePath!, 'third.txt'), 'utf8')).toBe('third\n');
    expect(await git(cached.cachePath!, 'status', '--porcelain')).toBe('');

    const workspace = path.join(root, 'workspace');
    await cached.seedWorkspace(workspace, { originUrl: 'http://gate.invalid/demo.git' });
    expect(await git(workspace, 'remote', 'get-url', 'origin')).toBe('http://gate.invalid/demo.git');
    expect(await git(workspace, 'rev-parse', 'HEAD')).toBe(third);
    await expect(cached.seedWorkspace(workspace, { originUrl: 'http://gate.invalid/demo.git' })).rejects.toMatchObject({ code: 'GATE_WORKSPACE_EXISTS' });
  });

  // Each in-place update leaves a small pack or loose objects and no gc runs in the cache, so a version is cloned afresh
  // after MAX_IN_PLACE_UPDATES updates: its growth stays bounded.
  it('updates a version in place until it has had MAX_IN_PLACE_UPDATES, then clones it afresh', async () => {
    const { root, upstream, gatePath } = await gateOnLocalUpstream();
    const { GitGate } = await import('../../src/index.js');
    const { MAX_IN_PLACE_UPDATES } = await import('../../src/gate/clone-cache/clone-cache.js');
    const cacheBase = path.join(root, 'cache');
    const gate = new GitGate({ scope: 'demo', gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true, cloneCacheBase: cacheBase, cache: { graceMs: 0 } });
    // What updates added to a slot: packs beyond a clone's one, and loose-object directories.
    const addedObjectFiles = async (slot: string) => {
      const objects = path.join(cacheBase, 'demo.versions', slot, '.git', 'objects');
      const loose = (await readdir(objects)).filter((name) => /^[0-9a-f]{2}$/.test(name)).length;
      const packs = (await readdir(path.join(objects, 'pack'))).filter((name) => name.endsWith('.pack')).length;
      return loose + packs - 1;
    };
    await gate.sync(); // v1
    await upstream.commit('main', 'second');
    await gate.sync(); // v2
    await upstream.commit('main', 'third');
    await gate.sync(); // v1 updated in place
    expect(path.basename(await readlink(path.join(cacheBase, 'demo')))).toBe('v1');
    expect(await addedObjectFiles('v1')).toBeGreaterThan(0);
    await upstream.commit('main', 'fourth');
    await gate.sync(); // v2 updated in place
    expect(await addedObjectFiles('v2')).toBeGreaterThan(0);
    // Wear v1 out: the next refresh reuses it and must clone it afresh (one pack, nothing loose).
    const stateFile = path.join(cacheBase, 'demo.versions', 'state.json');
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as { slots: Record<string, { updates?: number }> };
    expect(state.slots['v1']?.updates).toBe(1);
    state.slots['v1']!.updates = MAX_IN_PLACE_UPDATES;
    await writeFile(stateFile, JSON.stringify(state));
    const fifth = await upstream.commit('main', 'fifth');
    expect((await gate.sync()).cache.error).toBeNull();
    expect(path.basename(await readlink(path.join(cacheBase, 'demo')))).toBe('v1');
    expect(await git(path.join(cacheBase, 'demo'), 'rev-parse', 'HEAD')).toBe(fifth);
    expect(await addedObjectFiles('v1')).toBe(0);
    expect(JSON.parse(await readFile(stateFile, 'utf8')).slots.v1.updates).toBe(0);
  });

  it('a cache failure is reported and never fails the sync', async () => {
    const { root, upstream, gatePath } = await gateOnLocalUpstream();
    const { GitGate } = await import('../../src/index.js');
    const gate = new GitGate({ scope: 'demo', gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true, cloneCacheBase: path.join(root, 'cache'), cache: { maxCheckoutBytes: 1 } });
    const result = await gate.sync();
    expect(result.success).toBe(true);
    expect(result.applied.length).toBe(1);
    expect(result.cache).toMatchObject({ refreshed: false, error: expect.objectContaining({ code: 'GATE_TOO_LARGE' }) });
  });
});
