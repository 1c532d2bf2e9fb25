// The token store's file: private modes, and read-modify-write under a lock that holds across
// store instances (as across processes: the CLI mints while the daemon revokes).
import { chmod, mkdir, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/server/tokens.js';
import { tempDir } from '../helpers/git-fixture.js';

describe('TokenStore on disk', () => {
  it('keeps tokens.json 0600 in a 0700 directory and stores no secret', async () => {
    const dir = path.join(await tempDir('gate-tokens-'), 'state');
    const store = new TokenStore(dir);
    const { token } = await store.mint({ project: 'demo', task: 't1', capability: 'read', ttlSeconds: 60 });
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(store.file, 'utf8')).not.toContain(token);
  });

  it('loses no mint when two store instances write at once (the file lock serialises them)', async () => {
    const dir = await tempDir('gate-tokens-');
    const a = new TokenStore(dir);
    const b = new TokenStore(dir);
    const minted = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).mint({ project: 'demo', task: `t${i}`, capability: 'read', ttlSeconds: 600 })));
    const listed = await new TokenStore(dir).list('demo');
    expect(listed.map((t) => t.id).sort()).toEqual(minted.map((t) => t.id).sort());
    for (const { token } of minted) expect(await a.verify(token, 'demo')).not.toBeNull();
  });

  it('a revoke in one instance and mints in another both land', async () => {
    const dir = await tempDir('gate-tokens-');
    const daemon = new TokenStore(dir);
    const cli = new TokenStore(dir);
    const first = await daemon.mint({ project: 'demo', task: 'a', capability: 'write', ttlSeconds: 600 });
    const [, ...more] = await Promise.all([
      daemon.revoke(first.id),
      ...Array.from({ length: 10 }, (_, i) => cli.mint({ project: 'demo', task: `b${i}`, capability: 'read', ttlSeconds: 600 })),
    ]);
    expect(await cli.verify(first.token, 'demo')).toBeNull();
    expect((await daemon.list()).length).toBe(11);
    for (const minted of more) expect(await daemon.verify((minted as { token: string }).token, 'demo')).not.toBeNull();
  });

  it('recovers a lock left by a process that died holding it', async () => {
    const dir = await tempDir('gate-tokens-');
    const store = new TokenStore(dir);
    const lock = `${store.file}.lock`;
    await mkdir(lock);
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    const started = Date.now();
    await store.mint({ project: 'demo', task: 't1', capability: 'read', ttlSeconds: 60 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await store.list()).toHaveLength(1);
  });

  it('refuses a token file readable by others rather than trusting it', async () => {
    const dir = await tempDir('gate-tokens-');
    const store = new TokenStore(dir);
    await store.mint({ project: 'demo', task: 't1', capability: 'read', ttlSeconds: 60 });
    await chmod(store.file, 0o644);
    await expect(new TokenStore(dir).list()).rejects.toMatchObject({ code: 'GATE_UNSAFE_PATH' });
  });
});
