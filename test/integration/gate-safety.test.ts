import { chmod, mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GateError, GitGate } from '../../src/index.js';
import { gateOnLocalUpstream } from '../helpers/gate-fixture.js';
import { git, headsOf, tempDir } from '../helpers/git-fixture.js';

describe('gate safety', () => {
  it('leftover ref locks and temp objects of a crashed git are cleaned, and the next sync succeeds', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const next = await upstream.commit('main');
    const lock = path.join(gatePath, 'refs', 'heads', 'main.lock');
    const tmp = path.join(gatePath, 'objects', 'tmp_obj_leftover');
    await writeFile(lock, 'junk\n');
    await writeFile(tmp, 'junk');
    const old = new Date(Date.now() - 2 * 3600_000);
    await utimes(lock, old, old);
    await utimes(tmp, old, old);
    const result = await gate.sync();
    expect(result.errors).toEqual([]);
    expect((await headsOf(gatePath)).get('main')).toBe(next);
    expect(existsSync(lock)).toBe(false);
    expect(existsSync(tmp)).toBe(false);
  });

  it('two scopes may not share one gate path with different upstreams', async () => {
    const { root, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const other = path.join(root, 'other-upstream');
    await git(root, 'init', '-q', '--bare', other);
    const intruder = new GitGate({ scope: 'intruder', gatePath, upstreamUrl: other, allowLocalUpstream: true });
    const result = await intruder.sync();
    expect(result.errors).toEqual([expect.objectContaining({ code: 'GATE_PATH_CONFLICT' })]);
    expect(await git(gatePath, 'config', 'gate.scope')).toBe('demo');
  });

  it('a custom validateGate runs first and can refuse', async () => {
    const { gate, upstream, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const seen: unknown[] = [];
    const strict = new GitGate({
      scope: 'demo', gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true,
      validateGate: (scope, existing) => {
        seen.push([scope, existing]);
        throw new GateError('GATE_PATH_CONFLICT', 'refused by policy');
      },
    });
    const result = await strict.sync();
    expect(result.errors).toEqual([expect.objectContaining({ code: 'GATE_PATH_CONFLICT', message: 'refused by policy' })]);
    expect(seen).toEqual([['demo', { scope: 'demo', upstream: upstream.dir }]]);
  });

  it('a gate directory writable by others, or a symlink, is refused', async () => {
    const { gate, upstream, gatePath, root } = await gateOnLocalUpstream();
    await gate.sync();
    await chmod(gatePath, 0o777);
    expect((await gate.sync()).errors).toEqual([expect.objectContaining({ code: 'GATE_UNSAFE_PATH' })]);
    await chmod(gatePath, 0o700);
    const link = path.join(root, 'gates', 'link.git');
    await symlink(gatePath, link);
    const viaLink = new GitGate({ scope: 'demo', gatePath: link, upstreamUrl: upstream.dir, allowLocalUpstream: true });
    expect((await viaLink.sync()).errors).toEqual([expect.objectContaining({ code: 'GATE_UNSAFE_PATH' })]);
  });

  it('a directory with a work tree is never adopted as a gate, and its config is left untouched', async () => {
    const root = await tempDir();
    const work = path.join(root, 'my-checkout');
    await mkdir(work);
    await git(work, 'init', '-q');
    await git(work, 'remote', 'add', 'origin', 'https://example.invalid/mine.git');
    const configBefore = await git(work, 'config', '--local', '--list');
    const upstream = path.join(root, 'up');
    await git(root, 'init', '-q', '--bare', upstream);
    const gate = new GitGate({ scope: 'x', gatePath: path.join(work, '.git'), upstreamUrl: upstream, allowLocalUpstream: true });
    const result = await gate.sync();
    expect(result.errors).toEqual([expect.objectContaining({ code: 'GATE_NOT_A_GATE' })]);
    expect(await git(work, 'config', '--get-regexp', '^gate\\.').catch(() => '')).toBe('');
    // Invariant 4: the user's repository is never written, not even its config.
    expect(await git(work, 'config', '--local', '--list')).toBe(configBefore);
  });

  it('a remoteless gate is created once with its default branch; later syncs change nothing', async () => {
    const root = await tempDir();
    const gatePath = path.join(root, 'scratch.git');
    const gate = new GitGate({ scope: 'scratch', gatePath, defaultBranch: 'trunk' });
    expect(await gate.sync()).toMatchObject({ success: true, created: true, upstreamUrl: null });
    expect(await git(gatePath, 'symbolic-ref', 'HEAD')).toBe('refs/heads/trunk');
    expect(await git(gatePath, 'config', 'transfer.hideRefs')).toBe('refs/gate');
    expect(await gate.sync()).toMatchObject({ success: true, created: false, applied: [], pending: [] });
    const stale = await gate.compareVsUpstream();
    expect(stale.error?.code).toBe('GATE_NO_UPSTREAM');
  });

  it('closed gates refuse further calls, and close() is idempotent', async () => {
    const { gate } = await gateOnLocalUpstream();
    await gate.close();
    await gate.close();
    expect(() => gate.sync()).toThrow(expect.objectContaining({ code: 'GATE_CLOSED' }));
  });
});

