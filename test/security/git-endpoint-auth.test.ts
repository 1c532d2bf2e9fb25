// Tokens at the git endpoint: the capability, the expiry, the revocation and the project a token
// was minted for are each enforced, and a refusal says what to do without echoing the token.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/server/tokens.js';
import { clientGit, clientGitOk, cloneFrom, commitFile, startEndpointFixture } from '../helpers/git-endpoint-fixture.js';
import { allRefs, tempDir } from '../helpers/git-fixture.js';

function get(port: number, url: string, authorization: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: url, headers: authorization === undefined ? {} : { Authorization: authorization } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('git endpoint: tokens', async () => {
  const fx = await startEndpointFixture([{ project: 'alpha' }, { project: 'beta' }, { project: 'gamma', mode: 'online' }]);
  const alphaPath = fx.gates.get('alpha')!.gatePath;

  it('refuses a push with a read token (403, with what to do) and changes nothing', async () => {
    const read = await fx.mint('alpha', 't1', 'read');
    const work = await cloneFrom(fx.url('alpha', read));
    await commitFile(work, 'x.txt');
    const refs = await allRefs(alphaPath);
    const before = fx.events.length;
    const result = await clientGit(work, ['push', 'origin', 'HEAD:refs/heads/agent/t1/x']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('remote: git-gate: this token is read-only: ask for a write token to push');
    expect(result.stderr).toContain('403');
    expect(result.stderr).not.toContain(read);
    expect(await allRefs(alphaPath)).toEqual(refs);
    expect(fx.events.slice(before).map((e) => e.data)).toContainEqual(expect.objectContaining({ project: 'alpha', ref: null, rule: 'read-only-token', task: 't1' }));
  });

  it('refuses an expired token (401)', async () => {
    const past = new TokenStore(fx.stateDir, { now: () => new Date(Date.now() - 2 * 3600_000) });
    const { token } = await past.mint({ project: 'alpha', task: 't1', capability: 'write', ttlSeconds: 3600 });
    const result = await clientGit(await tempDir(), ['clone', fx.url('alpha', token), 'out']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/Authentication failed/);
    expect((await get(fx.port, '/alpha.git/info/refs?service=git-upload-pack', `Basic ${Buffer.from(`x:${token}`).toString('base64')}`)).status).toBe(401);
  });

  it('refuses a revoked token (401) that worked before', async () => {
    const { id, token } = await fx.tokens.mint({ project: 'alpha', task: 't1', capability: 'write', ttlSeconds: 3600 });
    const work = await cloneFrom(fx.url('alpha', token));
    expect(await fx.tokens.revoke(id)).toBe(true);
    const result = await clientGit(work, ['fetch', 'origin']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/Authentication failed/);
  });

  it('refuses a token minted for gate A on gate B', async () => {
    const alpha = await fx.mint('alpha', 't1', 'write');
    await clientGitOk(await tempDir(), ['ls-remote', fx.url('alpha', alpha)]);
    const result = await clientGit(await tempDir(), ['clone', fx.url('beta', alpha), 'out']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/Authentication failed/);
    const work = await cloneFrom(fx.url('alpha', alpha));
    await commitFile(work, 'cross.txt');
    const push = await clientGit(work, ['push', fx.url('beta', alpha), 'HEAD:refs/heads/agent/t1/cross']);
    expect(push.exitCode).not.toBe(0);
    expect((await allRefs(fx.gates.get('beta')!.gatePath)).has('refs/heads/agent/t1/cross')).toBe(false);
  });

  it('refuses missing and malformed Authorization headers (401) without echoing them', async () => {
    const token = await fx.mint('alpha', 't1', 'read');
    const url = '/alpha.git/info/refs?service=git-upload-pack';
    const malformed = [undefined, `Bearer ${token}`, 'Basic', 'Basic ***', `Basic ${token}`, `Digest x:${token}`, `Basic ${Buffer.from(`x:${token}x`).toString('base64')}`, `Basic ${Buffer.from(`x:${token}`).toString('base64')}${'A'.repeat(2000)}`];
    for (const header of malformed) {
      const answer = await get(fx.port, url, header);
      expect({ header, status: answer.status }).toEqual({ header, status: 401 });
      expect(answer.body).not.toContain(token);
    }
    // The token is accepted as the Basic username as well as the password.
    expect((await get(fx.port, url, `Basic ${Buffer.from(`${token}:`).toString('base64')}`)).status).toBe(200);
  });

  it('refuses receive-pack on an online gate with a clear message, even for a write token', async () => {
    const write = await fx.mint('gamma', 't1', 'write');
    const work = await cloneFrom(fx.url('gamma', write));
    await commitFile(work, 'online.txt');
    const refs = await allRefs(fx.gates.get('gamma')!.gatePath);
    const result = await clientGit(work, ['push', 'origin', 'HEAD:refs/heads/agent/t1/x']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('remote: git-gate: gamma is an online (read-only) gate: fetch from it here, push to the upstream yourself');
    expect(await allRefs(fx.gates.get('gamma')!.gatePath)).toEqual(refs);
    expect(fx.events.at(-1)!.data).toMatchObject({ project: 'gamma', ref: null, rule: 'online-gate' });
  });
});
