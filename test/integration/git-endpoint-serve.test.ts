import { execa } from 'execa';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { cloneFrom, clientGit, clientGitOk, startEndpointFixture } from '../helpers/git-endpoint-fixture.js';
import { git, tempDir } from '../helpers/git-fixture.js';

// A raw request to the endpoint, for what git clients never send.
function rawRequest(port: number, method: string, url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

// `count` commits on a local branch, in one fast-import process.
async function localHistory(work: string, count: number): Promise<void> {
  const base = await clientGitOk(work, ['rev-parse', 'HEAD']);
  let stream = '';
  for (let i = 0; i < count; i++) {
    const message = `local ${i}\n`;
    stream += `commit refs/heads/local\ncommitter Agent <agent@example.test> ${1_900_000_000 + i} +0000\ndata ${message.length}\n${message}${i === 0 ? `from ${base}\n` : ''}\n`;
  }
  const result = await execa('git', ['fast-import', '--quiet'], { cwd: work, input: stream, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: work }, extendEnv: false });
  expect(result.exitCode).toBe(0);
}

describe('git endpoint: clone and fetch over smart HTTP', async () => {
  const fx = await startEndpointFixture([{ project: 'demo', branches: ['feature'] }]);
  const served = fx.gates.get('demo')!;
  const token = await fx.mint('demo', 't1', 'read');

  for (const version of ['0', '2']) {
    it(`clones and fetches with protocol v${version}, advertising no refs/gate/*`, async () => {
      const work = await cloneFrom(fx.url('demo', token), ['-c', `protocol.version=${version}`]);
      expect(await clientGitOk(work, ['rev-parse', 'HEAD'])).toBe(await served.upstream.sha('main'));
      expect(await clientGitOk(work, ['rev-parse', 'refs/remotes/origin/feature'])).toBe(await served.upstream.sha('feature'));
      const listed = await clientGitOk(work, ['-c', `protocol.version=${version}`, 'ls-remote', fx.url('demo', token)]);
      expect(listed).toContain('refs/heads/main');
      expect(listed).not.toContain('refs/gate/');
      // The gate does have refs/gate/* (the upstream snapshot): hidden, not absent.
      expect(await git(served.gatePath, 'for-each-ref', 'refs/gate/')).toContain('refs/gate/upstream/main');

      const next = await served.upstream.commit('main', `more for v${version}`);
      await served.gate.sync();
      await clientGitOk(work, ['-c', `protocol.version=${version}`, 'fetch', '-q', 'origin']);
      expect(await clientGitOk(work, ['rev-parse', 'refs/remotes/origin/main'])).toBe(next);
      const protocols = fx.requests.filter((r) => r.url.startsWith('/demo.git/')).map((r) => r.gitProtocol ?? 'none');
      expect(protocols).toContain(version === '2' ? 'version=2' : 'none');
    });
  }

  it('publishes one fetch event per clone, with the bytes served, and none for a ref listing', async () => {
    for (const version of ['0', '2']) {
      const before = fx.events.length;
      await cloneFrom(fx.url('demo', token), ['-c', `protocol.version=${version}`]);
      const fetches = fx.events.slice(before).filter((e) => e.type === 'fetch');
      expect(fetches).toHaveLength(1);
      expect(fetches[0]!.data).toMatchObject({ project: 'demo', task: 't1' });
      expect((fetches[0]!.data as { bytes: number }).bytes).toBeGreaterThan(100);
      const afterClone = fx.events.length;
      await clientGitOk(await tempDir(), ['-c', `protocol.version=${version}`, 'ls-remote', fx.url('demo', token)]);
      expect(fx.events.slice(afterClone).filter((e) => e.type === 'fetch')).toEqual([]);
    }
  });

  it('accepts gzip request bodies (a fetch with many haves)', async () => {
    const work = await cloneFrom(fx.url('demo', token));
    // Local commits the gate lacks become haves; over 1 KB of them makes git gzip the request.
    await localHistory(work, 200);
    for (const version of ['0', '2']) {
      await served.upstream.commit('main', `upstream moves on for v${version}`);
      await served.gate.sync();
      const mark = fx.requests.length;
      await clientGitOk(work, ['-c', `protocol.version=${version}`, 'fetch', '-q', 'origin']);
      const posts = fx.requests.slice(mark).filter((r) => r.method === 'POST');
      expect(posts.some((r) => r.contentEncoding === 'gzip' && r.status === 200)).toBe(true);
    }
    expect(await clientGitOk(work, ['rev-parse', 'refs/remotes/origin/main'])).toBe(await served.upstream.sha('main'));
  });

  it('answers 404 to dumb HTTP and to anything but the three smart-HTTP URLs', async () => {
    const auth = { Authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` };
    for (const url of ['/demo.git/HEAD', '/demo.git/objects/info/packs', '/demo.git/info/refs', '/demo.git/info/refs?service=git-upload-archive', '/demo.git/objects/pack/x.pack', '/demo.git/config', '/demo/info/refs?service=git-upload-pack', '/../demo.git/info/refs?service=git-upload-pack', '/Demo.git/info/refs?service=git-upload-pack', '/de%2fmo.git/info/refs?service=git-upload-pack']) {
      const answer = await rawRequest(fx.port, 'GET', url, auth);
      expect({ url, status: answer.status }).toEqual({ url, status: 404 });
      expect(answer.body).not.toContain(served.gatePath);
    }
    const dumb = await clientGit(await tempDir(), ['-c', 'protocol.version=0', 'clone', '-q', `http://x:${token}@127.0.0.1:${fx.port}/demo.git/objects/info/packs`, 'out']);
    expect(dumb.exitCode).not.toBe(0);
  });

  it('answers 401 for a project the token does not belong to, so names of other projects do not leak', async () => {
    const auth = { Authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` };
    const answer = await rawRequest(fx.port, 'GET', '/nope.git/info/refs?service=git-upload-pack', auth);
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toMatch(/^Basic /);
  });

  it('answers 405 to the wrong method and 415 to the wrong content type', async () => {
    const auth = { Authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` };
    expect((await rawRequest(fx.port, 'POST', '/demo.git/info/refs?service=git-upload-pack', auth)).status).toBe(405);
    expect((await rawRequest(fx.port, 'GET', '/demo.git/git-upload-pack', auth)).status).toBe(405);
    expect((await rawRequest(fx.port, 'POST', '/demo.git/git-upload-pack', { ...auth, 'Content-Type': 'text/plain' })).status).toBe(415);
  });
});
