import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitGate } from '../../src/index.js';
import { gateOnLocalUpstream } from '../helpers/gate-fixture.js';
import { allRefs, git, headsOf, pushToGate, tempDir, Upstream } from '../helpers/git-fixture.js';

async function treeDigest(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (d: string): Promise<void> => {
    for (const entry of (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      const info = await stat(full);
      hash.update(`${path.relative(dir, full)} ${info.mode} ${info.mtimeMs}\n`);
      if (entry.isDirectory()) await walk(full);
      else hash.update(await readFile(full));
    }
  };
  await walk(dir);
  return hash.digest('hex');
}

describe('upstream trouble and changes', () => {
  it('an unreachable upstream gives a classified error and creates nothing', async () => {
    const root = await tempDir();
    const gatePath = path.join(root, 'gates', 'x.git');
    const gate = new GitGate({ scope: 'x', gatePath, upstreamUrl: path.join(root, 'no-such-repo'), allowLocalUpstream: true });
    const result = await gate.sync();
    expect(result.success).toBe(false);
    expect(result.errors).toEqual([expect.objectContaining({ code: 'GATE_UPSTREAM_NOT_FOUND', failureClass: 'remote_not_found' })]);
    expect(existsSync(gatePath)).toBe(false);
  });

  it('an upstream that vanishes later leaves the existing gate exactly as it was', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const before = await allRefs(gatePath);
    await git(upstream.dir, 'config', 'core.bare', 'true');
    await import('node:fs/promises').then((fs) => fs.rename(upstream.dir, `${upstream.dir}-moved`));
    const result = await gate.sync();
    expect(result.success).toBe(false);
    expect(result.errors[0]?.code).toBe('GATE_UPSTREAM_NOT_FOUND');
    expect(await allRefs(gatePath)).toEqual(before);
  });

  it('a changed upstream URL with shared history is followed; an unrelated one is refused and changes nothing', async () => {
    const { root, upstream, gatePath } = await gateOnLocalUpstream();
    await new GitGate({ scope: 'demo', gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true }).sync();
    const mirror = path.join(root, 'mirror');
    await git(root, 'clone', '-q', '--bare', upstream.dir, mirror);
    const next = await upstream.commit('main');
    await git(upstream.dir, 'push', '-q', mirror, 'main');
    const moved = await new GitGate({ scope: 'demo', gatePath, upstreamUrl: mirror, allowLocalUpstream: true }).sync();
    expect(moved.success).toBe(true);
    expect(moved.notes.join('\n')).toContain('upstream URL changed');
    expect((await headsOf(gatePath)).get('main')).toBe(next);
    expect(await git(gatePath, 'config', 'gate.upstream')).toBe(mirror);

    // Created empty: fixture dates are fixed, so a default 'initial' commit would share its sha.
    const stranger = await Upstream.create(path.join(root, 'stranger-root'), { empty: true });
    await stranger.commit('main', 'unrelated history', { 'other.txt': 'another project\n' });
    const before = await allRefs(gatePath);
    const refused = await new GitGate({ scope: 'demo', gatePath, upstreamUrl: stranger.dir, allowLocalUpstream: true }).sync();
    expect(refused.success).toBe(false);
    expect(refused.errors).toEqual([expect.objectContaining({ code: 'GATE_UPSTREAM_UNRELATED' })]);
    const after = await allRefs(gatePath);
    for (const [ref, sha] of before) if (!ref.startsWith('refs/gate/incoming/')) expect(after.get(ref), ref).toBe(sha);
    expect(await git(gatePath, 'config', 'gate.upstream')).toBe(mirror);
  });

  it('a gate made by git clone --mirror is adopted once: remotes and foreign namespaces go, branches stay', async () => {
    const { root, upstream } = await gateOnLocalUpstream();
    await upstream.commit('feature');
    const sha = await upstream.sha('main');
    await git(upstream.dir, 'update-ref', 'refs/pull/1/head', sha);
    const gatePath = path.join(root, 'adopted.git');
    await git(root, 'clone', '-q', '--mirror', upstream.dir, gatePath);
    const gate = new GitGate({ scope: 'adopted', gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true });
    const result = await gate.sync();
    expect(result.success).toBe(true);
    expect(result.migrated).toBe(true);
    const refs = await allRefs(gatePath);
    expect([...refs.keys()].filter((r) => r.startsWith('refs/pull/'))).toEqual([]);
    expect(refs.get('refs/heads/main')).toBe(sha);
    expect(await git(gatePath, 'config', '--get-regexp', '^remote\\.').catch(() => '')).toBe('');
    expect(await git(gatePath, 'config', 'transfer.hideRefs')).toBe('refs/gate');
    expect((await gate.sync()).migrated).toBe(false);
  });

  it('forceReinit bundles every ref before wiping, and the bundle restores gate-local work', async () => {
    const { root, upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const local = await pushToGate(gatePath, 'agent/t1/work', await upstream.sha('main'), 'agent work');
    const result = await gate.sync({ forceReinit: true });
    expect(result.success).toBe(true);
    expect(result.reinitBundle).toMatch(/\.bundle$/);
    expect((await headsOf(gatePath)).has('agent/t1/work')).toBe(false);
    const listed = await git(root, 'bundle', 'list-heads', result.reinitBundle!);
    expect(listed).toContain(`${local} refs/heads/agent/t1/work`);
  });

  it('a local-path upstream is byte-for-byte unchanged after syncs', async () => {
    const { upstream, gate } = await gateOnLocalUpstream();
    await upstream.commit('feature');
    await upstream.tag('v1', await upstream.sha('main'));
    const before = await treeDigest(upstream.dir);
    await gate.sync();
    await gate.sync();
    await gate.staleness();
    await gate.plan();
    expect(await treeDigest(upstream.dir)).toBe(before);
  });

  it('a selective sync touches only the named branches and leaves tags for a full sync', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await upstream.commit('a');
    await upstream.commit('b');
    await gate.sync();
    const a2 = await upstream.commit('a');
    const b1 = (await headsOf(gatePath)).get('b');
    await upstream.commit('b');
    await upstream.tag('v9', a2);
    const result = await gate.sync({ branches: ['a'] });
    expect(result.applied).toEqual([expect.objectContaining({ branch: 'a', kind: 'fast_forward', newSha: a2 })]);
    expect((await headsOf(gatePath)).get('b')).toBe(b1);
    expect((await allRefs(gatePath)).has('refs/tags/v9')).toBe(false);
    await expect(gate.sync({ branches: ['-bad'] })).resolves.toMatchObject({ success: false, errors: [expect.objectContaining({ code: 'GATE_REF_INVALID' })] });
  });

  it('gate-only branches survive rewrites, deletes and selective syncs upstream', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    const base = await upstream.sha('main');
    await upstream.commit('feature');
    await gate.sync();
    const agent = await pushToGate(gatePath, 'agent/t1/fix', base, 'agent fix');
    await upstream.rewrite('feature', base);
    const r1 = await gate.sync();
    await upstream.deleteBranch('feature');
    await gate.sync();
    await gate.sync({ branches: ['main'] });
    expect(r1.gateOnlyBranches).toEqual(['agent/t1/fix']);
    expect((await headsOf(gatePath)).get('agent/t1/fix')).toBe(agent);
  });
});
