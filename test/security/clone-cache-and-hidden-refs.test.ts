// THREATS "Hostile content" (the clone cache shares no object file with the gate) and "Gatekeeping
// and serving" (upstream state lives in a hidden namespace containers can neither see nor write).
import { existsSync } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateOnLocalUpstream } from '../helpers/gate-fixture.js';
import { allRefs, git, headsOf, pushToGate, tempDir } from '../helpers/git-fixture.js';
import { refreshCloneCache } from '../../src/gate/clone-cache/clone-cache.js';
import { GitRunner } from '../../src/git/index.js';
import { silentLogger } from '../../src/log/index.js';
import { hasObject, inodesUnder } from '../helpers/security-fixture.js';

/** Every built version (slot) of the demo scope's clone cache. */
async function cacheSlots(cacheBase: string): Promise<string[]> {
  const versions = path.join(cacheBase, 'demo.versions');
  return (await readdir(versions, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => path.join(versions, e.name));
}

/**
 * A gate synced three times with a clone cache (grace 0, so the third refresh updates an old slot
 * in place): the second sync sees an upstream rewrite of main, so refs/gate/upstream/main points at
 * a commit no visible ref reaches.
 */
async function gateWithHiddenOnlyCommit() {
  const cacheBase = path.join(await tempDir(), 'cache');
  const fixture = await gateOnLocalUpstream({ cloneCacheBase: cacheBase, cache: { graceMs: 0 } });
  const { upstream, gate, gatePath } = fixture;
  await upstream.commit('main', 'second');
  await upstream.commit('feature', 'feature');
  const first = await gate.sync();
  expect(first.errors).toEqual([]);
  const oldMain = await upstream.sha('main');
  const rewritten = await upstream.rewrite('main', `${oldMain}~1`);
  await git(upstream.dir, 'branch', 'other', oldMain);
  const second = await gate.sync();
  expect(second.errors).toEqual([]);
  expect(second.pending.map((p) => p.branch)).toEqual(['main']);
  expect((await allRefs(gatePath)).get('refs/gate/upstream/main')).toBe(rewritten);
  expect((await headsOf(gatePath)).get('main')).toBe(oldMain);
  await git(upstream.dir, 'branch', 'third', oldMain);
  const third = await gate.sync();
  expect(third.errors).toEqual([]);
  expect(third.cache.refreshed).toBe(true);
  // With no grace period the third refresh updates the retired first version in place (fetch + reset), not a fresh clone.
  expect(path.basename(await readlink(path.join(cacheBase, 'demo')))).toBe('v1');
  return { ...fixture, cacheBase, rewritten };
}

describe('the clone cache is isolated from the gate', () => {
  // Mitigation: `clone --no-local --no-hardlinks` (never --shared/--reference): no cache object file is a hardlink of a gate object file.
  it('shares no object file (inode) with the gate, and uses no alternates', async () => {
    const { gatePath, cacheBase } = await gateWithHiddenOnlyCommit();
    const gateInodes = await inodesUnder(path.join(gatePath, 'objects'));
    expect(gateInodes.size).toBeGreaterThan(0);
    const slots = await cacheSlots(cacheBase);
    expect(slots.length).toBeGreaterThanOrEqual(2);
    for (const slot of slots) {
      const objects = path.join(slot, '.git', 'objects');
      const shared = [...(await inodesUnder(objects))].filter(([inode]) => gateInodes.has(inode)).map(([, file]) => file);
      expect(shared).toEqual([]);
      expect(existsSync(path.join(objects, 'info', 'alternates'))).toBe(false);
      // An in-place update checks out reading the gate's objects (for that one process); the fetch it waits for must
      // have brought every one of them into the version's own store.
      await git(slot, 'fsck', '--connectivity-only', '--no-dangling');
      await git(slot, 'cat-file', '-e', `${await git(slot, 'rev-parse', 'HEAD')}^{tree}`);
    }
    // Control: a plain local clone hardlinks the gate's object files, which the check above would catch.
    const control = path.join(await tempDir(), 'control');
    await git(path.dirname(control), 'clone', '-q', '--bare', '--local', gatePath, control);
    const controlShared = [...(await inodesUnder(path.join(control, 'objects')))].filter(([inode]) => gateInodes.has(inode));
    expect(controlShared.length).toBeGreaterThan(0);
  });

  // Mitigation: `clone --no-local` fills the cache through upload-pack with branch/tag refspecs (never a copy of the gate's object
  // store): no refs/gate/* and no object only they reach. (A local clone, even with --no-hardlinks, copies the hidden objects.)
  it('holds no hidden ref and no object reachable only from hidden refs, after a clone and after an in-place update', async () => {
    const { gatePath, cacheBase, rewritten } = await gateWithHiddenOnlyCommit();
    expect(await hasObject(gatePath, rewritten)).toBe(true);
    for (const slot of await cacheSlots(cacheBase)) {
      const refs = await allRefs(slot);
      expect([...refs.keys()].filter((ref) => ref.includes('gate/'))).toEqual([]);
      expect([...refs.values()]).not.toContain(rewritten);
      expect(await hasObject(slot, rewritten)).toBe(false);
      expect(await git(slot, 'config', '--list', '--local')).not.toContain('refs/gate');
    }
  });
});

describe('an in-place cache update never publishes a version missing its commit', () => {
  // Mitigation: updateVersion checks the commit is in the version's own store once its fetch is done. The checkout
  // reads objects from the gate (GIT_ALTERNATE_OBJECT_DIRECTORIES), so without the check a branch that moved in the
  // gate after its refs were read (here: the commit is left reachable only from a hidden ref) would be published
  // with HEAD pointing at an object the version does not hold.
  it('fails the refresh and leaves the published version as it was', async () => {
    const cacheBase = path.join(await tempDir(), 'cache');
    const { upstream, gate, gatePath } = await gateOnLocalUpstream({ cloneCacheBase: cacheBase, cache: { graceMs: 0 } });
    expect((await gate.sync()).cache.error).toBeNull();
    await upstream.commit('main', 'second');
    expect((await gate.sync()).cache.error).toBeNull(); // v2 published, v1 retired and reusable
    const published = await readlink(path.join(cacheBase, 'demo'));
    const main = (await headsOf(gatePath)).get('main')!;
    // A commit on main, then main put back: the commit stays only under a hidden ref.
    const gone = await pushToGate(gatePath, 'main', main, 'rewound away');
    await git(gatePath, 'update-ref', 'refs/gate/attic/rewound', gone);
    await git(gatePath, 'update-ref', 'refs/heads/main', main, gone);
    const state = { gatePath, headBranch: 'main', heads: new Map([['main', gone]]), tags: new Map<string, string>() };
    await expect(refreshCloneCache(new GitRunner(), silentLogger(), { base: cacheBase, scope: 'demo', graceMs: 0, maxCheckoutBytes: 1 << 30 }, state)).rejects.toThrow();
    expect(await readlink(path.join(cacheBase, 'demo'))).toBe(published);
    for (const slot of await cacheSlots(cacheBase)) expect(await hasObject(slot, gone)).toBe(false);
  });
});

describe('the hidden namespace refs/gate/* is invisible and unwritable to clients of the gate', () => {
  // Mitigation: transfer/uploadpack.hideRefs=refs/gate in the gate's config: no protocol version advertises refs/gate/*.
  it('ls-remote shows no refs/gate/* over protocol v0, v1 or v2', async () => {
    const { gatePath } = await gateWithHiddenOnlyCommit();
    expect([...(await allRefs(gatePath)).keys()].some((ref) => ref.startsWith('refs/gate/'))).toBe(true);
    for (const version of ['0', '1', '2']) {
      const advertised = await git(gatePath, '-c', `protocol.version=${version}`, 'ls-remote', gatePath);
      expect(advertised).toContain('refs/heads/main');
      expect(advertised).not.toContain('refs/gate/');
    }
  });

  // Mitigation: hidden refs cannot be fetched by name either.
  it('refuses to fetch refs/gate/* by name', async () => {
    const { gatePath } = await gateWithHiddenOnlyCommit();
    const work = await tempDir('gate-work-');
    await git(work, 'init', '-q');
    for (const version of ['0', '2']) {
      const fetched = await git(work, '-c', `protocol.version=${version}`, 'fetch', '-q', gatePath, 'refs/gate/upstream/main:refs/stolen').then(() => true, () => false);
      expect(fetched).toBe(false);
    }
    expect(await git(work, 'for-each-ref')).toBe('');
  });

  // Mitigation: receive.hideRefs=refs/gate: a push can neither create, move nor delete a hidden ref.
  it('rejects pushes to refs/gate/* from a clone', async () => {
    const { gatePath } = await gateWithHiddenOnlyCommit();
    const before = await allRefs(gatePath);
    const work = await tempDir('gate-work-');
    await git(work, 'clone', '-q', gatePath, 'clone');
    const clone = path.join(work, 'clone');
    await git(clone, 'commit', '-q', '--allow-empty', '-m', 'forged snapshot');
    for (const refspec of ['HEAD:refs/gate/upstream/main', '+HEAD:refs/gate/upstream/main', 'HEAD:refs/gate/backup/main/forged', 'HEAD:refs/gate/attic/main', ':refs/gate/upstream/main']) {
      const pushed = await git(clone, 'push', '-q', gatePath, refspec).then(() => true, () => false);
      expect(pushed, refspec).toBe(false);
    }
    expect(await allRefs(gatePath)).toEqual(before);
  });
});
