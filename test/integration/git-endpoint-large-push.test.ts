// A 1 GiB push through the endpoint, in process: git-gate only pipes bytes between the socket and
// receive-pack, so this process's memory stays flat however large the push.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { clientGitOk, cloneFrom, startEndpointFixture } from '../helpers/git-endpoint-fixture.js';
import { git } from '../helpers/git-fixture.js';

const GIB = 1024 ** 3;

// 1 GiB of incompressible bytes, written 16 MiB at a time.
async function writeRandomFile(file: string, size: number): Promise<void> {
  const out = createWriteStream(file);
  for (let written = 0; written < size; written += 16 * 1024 * 1024) {
    if (!out.write(randomBytes(Math.min(16 * 1024 * 1024, size - written)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

describe('git endpoint: a 1 GiB push', () => {
  it('lands whole while the server process memory stays flat', { timeout: 600_000 }, async () => {
    const fx = await startEndpointFixture([{ project: 'demo' }], { limits: { maxPushBytes: 2 * GIB } });
    const { gatePath } = fx.gates.get('demo')!;
    const token = await fx.mint('demo', 't1');
    const work = await cloneFrom(fx.url('demo', token));
    await writeRandomFile(path.join(work, 'huge.bin'), GIB);
    // Stored, not deflated: compressing random bytes would only cost the client time.
    await clientGitOk(work, ['-c', 'core.compression=0', 'add', 'huge.bin']);
    await clientGitOk(work, ['commit', '-q', '-m', 'one GiB']);
    const sha = await clientGitOk(work, ['rev-parse', 'HEAD']);

    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    try {
      await clientGitOk(work, ['-c', 'core.compression=0', '-c', 'pack.compression=0', 'push', '-q', 'origin', 'HEAD:refs/heads/agent/t1/huge']);
    } finally {
      clearInterval(sampler);
    }
    expect(await git(gatePath, 'rev-parse', 'refs/heads/agent/t1/huge')).toBe(sha);
    expect(Number(await git(gatePath, 'cat-file', '-s', `${sha}:huge.bin`))).toBe(GIB);
    const posts = fx.requests.filter((r) => r.method === 'POST' && r.url === '/demo.git/git-receive-pack');
    expect(posts).toContainEqual(expect.objectContaining({ transferEncoding: 'chunked', status: 200 }));
    console.log(`1 GiB push: RSS growth ${((peak - baseline) / 1024 / 1024).toFixed(1)} MiB`);
    // The bound: growth well under the push size (1 GiB); a buffered body would be over it.
    expect(peak - baseline).toBeLessThan(128 * 1024 * 1024);
  });
});
