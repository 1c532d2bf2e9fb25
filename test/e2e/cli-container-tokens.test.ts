// `gate token mint|list|revoke` as an operator runs them: the token only on stdout and only at
// mint, the store private on disk, revocation seen by the daemon's store, and concurrent mints
// from separate processes all kept.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/server/tokens.js';
import { cliHome, type CliHome, expectUserError } from '../helpers/cli-fixture.js';

let cli: CliHome;

beforeAll(async () => {
  cli = await cliHome();
  expect((await cli.gate('init', 'web', '--upstream', 'https://git.example.com/web.git')).code).toBe(0);
  expect((await cli.gate('init', 'mirror', '--upstream', 'https://git.example.com/mirror.git', '--mode', 'online')).code).toBe(0);
});

describe.sequential('gate token mint, list, revoke', () => {
  it('mint prints the token alone on stdout; list never shows it; the store is private', async () => {
    const mint = await cli.gate('token', 'mint', 'web', '--task', 't42', '--capability', 'write', '--ttl', '2h');
    expect(mint.code, mint.stderr).toBe(0);
    expect(mint.stdout).toMatch(/^ggt_[A-Za-z0-9_-]{43}$/);
    const token = mint.stdout;
    expect(mint.stderr).toMatch(/^minted tok_[A-Za-z0-9_-]{12} for web, task t42 \(write, expires \S+\); the token above is shown only this once$/);
    expect(mint.stderr).not.toContain(token);
    const id = /tok_[A-Za-z0-9_-]{12}/.exec(mint.stderr)![0];

    // The daemon's store accepts it for this project only.
    const store = new TokenStore(cli.root);
    expect(await store.verify(token, 'web')).toEqual({ id, project: 'web', task: 't42', capability: 'write' });
    expect(await store.verify(token, 'mirror')).toBeNull();

    const file = path.join(cli.root, 'tokens.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(cli.root)).mode & 0o777).toBe(0o700);
    expect(await readFile(file, 'utf8')).not.toContain(token);

    const list = await cli.gate('token', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+PROJECT\s+TASK\s+CAPABILITY\s+EXPIRES\s+STATUS$/);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+web\\s+t42\\s+write\\s+\\S+\\s+active$`, 'm'));
    const json = await cli.json('token', 'list', 'web');
    expect(json.body).toMatchObject({ schemaVersion: 1, command: 'token list', tokens: [{ id, project: 'web', task: 't42', capability: 'write', revokedAt: null, status: 'active' }] });
    for (const run of [list, json]) {
      expect(run.stdout + run.stderr).not.toContain(token);
      expect(run.stdout).not.toContain('sha256');
    }

    const revoke = await cli.gate('token', 'revoke', id);
    expect(revoke).toMatchObject({ code: 0, stdout: `revoked ${id}` });
    expect(await new TokenStore(cli.root).verify(token, 'web')).toBeNull();
    expect((await cli.json('token', 'list', 'web')).body['tokens']).toEqual([expect.objectContaining({ id, status: 'revoked', revokedAt: expect.any(String) })]);
  });

  it('--json mint carries the token in the document; the ttl sets the expiry', async () => {
    const mint = await cli.json('token', 'mint', 'mirror', '--task', 'ci', '--ttl', '30m');
    expect(mint.code).toBe(0);
    expect(mint.body).toMatchObject({ schemaVersion: 1, command: 'token mint', project: 'mirror', task: 'ci', capability: 'read', id: expect.stringMatching(/^tok_/), token: expect.stringMatching(/^ggt_/) });
    const ttl = Date.parse(mint.body['expiresAt'] as string) - Date.now();
    expect(ttl).toBeGreaterThan(28 * 60_000);
    expect(ttl).toBeLessThanOrEqual(30 * 60_000);
    expect(mint.stderr).toBe('');
  });

  it('refuses what it cannot do, with a code and a fix, and mints nothing', async () => {
    const before = (await new TokenStore(cli.root).list()).length;
    const online = await cli.gate('token', 'mint', 'mirror', '--task', 't1', '--capability', 'write');
    expectUserError(online, 'GATE_TOKEN_CAPABILITY_REFUSED');
    expect(online.stderr).toContain('online gate');
    expectUserError(await cli.gate('token', 'mint', 'nope', '--task', 't1'), 'GATE_PROJECT_NOT_FOUND');
    expectUserError(await cli.gate('token', 'mint', '../etc', '--task', 't1'), 'GATE_SCOPE_INVALID');
    expectUserError(await cli.gate('token', 'mint', 'web', '--task', 'T/1'), 'GATE_INVALID_ARGUMENT');
    expectUserError(await cli.gate('token', 'mint', 'web', '--task', 't1', '--ttl', 'forever'), 'GATE_INVALID_ARGUMENT');
    expectUserError(await cli.gate('token', 'mint', 'web', '--task', 't1', '--capability', 'admin'), 'GATE_USAGE', 2);
    expectUserError(await cli.gate('token', 'mint', 'web'), 'GATE_USAGE', 2);
    expectUserError(await cli.gate('token', 'list', 'nope'), 'GATE_PROJECT_NOT_FOUND');
    expectUserError(await cli.gate('token', 'revoke', 'tok_AAAAAAAAAAAA'), 'GATE_TOKEN_NOT_FOUND');
    expectUserError(await cli.gate('token', 'revoke', 'ggt_not-an-id'), 'GATE_INVALID_ARGUMENT');
    expect((await new TokenStore(cli.root).list()).length).toBe(before);
  });

  it('concurrent mints from separate processes are all kept (the store is locked across processes)', async () => {
    const before = (await new TokenStore(cli.root).list()).length;
    const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => cli.gate('token', 'mint', 'web', '--task', `p${i}`)));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const store = new TokenStore(cli.root);
    expect((await store.list()).length).toBe(before + 6);
    for (const run of runs) expect(await store.verify(run.stdout, 'web')).not.toBeNull();
  });
});
