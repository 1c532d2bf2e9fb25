import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientGit, clientGitOk, startEndpointFixture } from '../helpers/git-endpoint-fixture.js';
import { tempDir } from '../helpers/git-fixture.js';

// A clone is whole when its HEAD is the gate's main and every object is there and sound.
async function expectWholeClone(dir: string, main: string): Promise<void> {
  expect(await clientGitOk(dir, ['rev-parse', 'HEAD'])).toBe(main);
  await clientGitOk(dir, ['fsck', '--no-progress', '--no-dangling']);
}

describe('git endpoint: concurrency', async () => {
  it('serves 50 concurrent clones, every one whole', async () => {
    const fx = await startEndpointFixture([{ project: 'demo', branches: ['feature', 'other'] }]);
    const main = await fx.gates.get('demo')!.upstream.sha('main');
    const token = await fx.mint('demo', 't1', 'read');
    const root = await tempDir('gate-clones-');
    const dirs = Array.from({ length: 50 }, (_, i) => path.join(root, `c${i}`));
    const results = await Promise.all(dirs.map((dir, i) => clientGit(root, ['-c', `protocol.version=${i % 2 === 0 ? 2 : 0}`, 'clone', '-q', fx.url('demo', token), dir])));
    expect(results.filter((r) => r.exitCode !== 0).map((r) => r.stderr)).toEqual([]);
    for (const dir of dirs) await expectWholeClone(dir, main);
    expect(fx.endpoint.activeProcessGroups()).toEqual([]);
  });

  it('answers 503 with Retry-After over its concurrency limit; clones either finish whole or fail cleanly', async () => {
    const fx = await startEndpointFixture([{ project: 'demo' }], { limits: { maxConcurrent: 2 } });
    const main = await fx.gates.get('demo')!.upstream.sha('main');
    const token = await fx.mint('demo', 't1', 'read');
    const auth = `Basic ${Buffer.from(`x:${token}`).toString('base64')}`;

    // Two upload-pack requests whose bodies never finish hold both slots.
    const held = [0, 1].map(() => {
      const req = http.request({ host: '127.0.0.1', port: fx.port, method: 'POST', path: '/demo.git/git-upload-pack', headers: { Authorization: auth, 'Content-Type': 'application/x-git-upload-pack-request', 'Transfer-Encoding': 'chunked' } });
      req.on('error', () => {});
      req.write('');
      return req;
    });
    while (fx.endpoint.activeProcessGroups().length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    const busy = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: fx.port, path: '/demo.git/info/refs?service=git-upload-pack', headers: { Authorization: auth } }, resolve).on('error', reject);
    });
    busy.resume();
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['retry-after']).toBe('2');
    for (const req of held) req.destroy();
    while (fx.endpoint.activeProcessGroups().length > 0) await new Promise((resolve) => setTimeout(resolve, 20));

    const root = await tempDir('gate-clones-');
    const dirs = Array.from({ length: 10 }, (_, i) => path.join(root, `c${i}`));
    const results = await Promise.all(dirs.map((dir) => clientGit(root, ['clone', '-q', fx.url('demo', token), dir])));
    const ok = dirs.filter((_, i) => results[i]!.exitCode === 0);
    expect(ok.length).toBeGreaterThan(0);
    for (const dir of ok) await expectWholeClone(dir, main);
    for (const failed of results.filter((r) => r.exitCode !== 0)) expect(failed.stderr).toMatch(/503/);
  });
});
