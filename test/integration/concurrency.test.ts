import { execa } from 'execa';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitGate, type GateSyncResult } from '../../src/index.js';
import { gateOnLocalUpstream } from '../helpers/gate-fixture.js';
import { git, headsOf } from '../helpers/git-fixture.js';

const child = path.join(import.meta.dirname, '../helpers/sync-child.mjs');
const built = existsSync(path.join(import.meta.dirname, '../../dist/index.js'));
if (!built) console.warn('multi-process tests skipped: dist/ is not built (run `npm run build`; `npm test` does it)');

async function manyBranches(dir: string, count: number, from: string): Promise<void> {
  const lines = Array.from({ length: count }, (_, i) => `create refs/heads/b${String(i).padStart(4, '0')} ${from}`);
  await execa('git', ['update-ref', '--stdin'], { cwd: dir, input: lines.join('\n') + '\n', env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', PATH: process.env['PATH']! }, extendEnv: false });
}

describe('one writer per gate', () => {
  it('concurrent sync() calls in one process share the running sync or one queued follow-up', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const next = await upstream.commit('main');
    const results = await Promise.all(Array.from({ length: 10 }, () => gate.sync()));
    expect(results.every((r) => r.success)).toBe(true);
    // At most two distinct runs: the first and one queued follow-up.
    expect(new Set(results).size).toBeLessThanOrEqual(2);
    expect(results.flatMap((r) => r.applied)).toEqual(expect.arrayContaining([expect.objectContaining({ branch: 'main', newSha: next })]));
    expect((await headsOf(gatePath)).get('main')).toBe(next);
  });

  it('a caller that cancels its sync gets GATE_CANCELLED; another caller of the same sync still gets its result', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    const leaving = new AbortController();
    const cancelled = gate.sync({ signal: leaving.signal });
    const staying = gate.sync();
    leaving.abort();
    const [left, stayed] = await Promise.all([cancelled, staying]);
    expect(left.success).toBe(false);
    expect(left.errors.map((e) => e.code)).toEqual(['GATE_CANCELLED']);
    expect(stayed.success).toBe(true);
    expect((await headsOf(gatePath)).get('main')).toBe(await upstream.sha('main'));
  });

  it.runIf(built)('two processes syncing one new gate at once: no lock errors, each branch created once', async () => {
    const { upstream, gatePath } = await gateOnLocalUpstream();
    await manyBranches(upstream.dir, 200, await upstream.sha('main'));
    const options = JSON.stringify({ scope: 'demo', gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true });
    const [a, b] = await Promise.all([execa('node', [child, options]), execa('node', [child, options])]);
    const results = [JSON.parse(a.stdout), JSON.parse(b.stdout)] as GateSyncResult[];
    expect(results.map((r) => r.errors)).toEqual([[], []]);
    const creates = results.flatMap((r) => r.applied.filter((c) => c.kind === 'create'));
    expect(creates.length).toBe(201);
    expect((await headsOf(gatePath)).size).toBe(201);
  });

  it.runIf(built)('kill -9 at random points of a sync leaves a readable gate, and the next sync succeeds', async () => {
    const { upstream, gatePath } = await gateOnLocalUpstream();
    const options = { scope: 'demo', gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true };
    for (let round = 0; round < 6; round++) {
      await manyBranches(upstream.dir, 50, await upstream.commit('main')).catch(() => undefined);
      for (let i = 0; i < 50; i += 7) await upstream.commit(`b${String(i).padStart(4, '0')}`).catch(() => undefined);
      const proc = execa('node', [child, JSON.stringify(options)], { reject: false });
      await new Promise((resolve) => setTimeout(resolve, 80 + Math.floor(Math.random() * 400)));
      proc.kill('SIGKILL');
      await proc;
      if (existsSync(gatePath)) expect(await git(gatePath, 'rev-parse', '--is-bare-repository')).toBe('true');
      const result = await new GitGate(options).sync();
      expect(result.errors, `round ${round}`).toEqual([]);
      expect(await headsOf(gatePath)).toEqual(await headsOf(upstream.dir));
      expect(await git(gatePath, 'fsck', '--connectivity-only', '--no-progress')).toBe('');
    }
  }, 180_000);

  it('1,000 branches that all fast-forward are applied in one transaction with real shas', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await manyBranches(upstream.dir, 1000, await upstream.sha('main'));
    const first = await gate.sync();
    expect(first.applied.length).toBe(1001);
    const next = await upstream.commit('main');
    await execa('git', ['for-each-ref', '--format=update %(refname) ' + next, 'refs/heads/'], { cwd: upstream.dir }).then(({ stdout }) =>
      execa('git', ['update-ref', '--stdin'], { cwd: upstream.dir, input: stdout + '\n' }));
    const result = await gate.sync();
    expect(result.success).toBe(true);
    expect(result.applied.length).toBe(1001);
    expect(result.applied.every((c) => c.kind === 'fast_forward' && c.newSha === next)).toBe(true);
    const heads = await headsOf(gatePath);
    expect([...heads.values()].every((sha) => sha === next)).toBe(true);
  });
});
