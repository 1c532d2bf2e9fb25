import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { pushPolicyFromConfig } from '../../src/server/policy.js';
import {
  clientGit, clientGitOk, cloneFrom, commitFile, gateHasObject, gateObjectCount, leftoverQuarantines, startEndpointFixture,
} from '../helpers/git-endpoint-fixture.js';
import { allRefs } from '../helpers/git-fixture.js';

const ZERO = '0'.repeat(40);

// Polls a condition for at most 15 s, then fails with what it was waiting for.
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('git endpoint: accepted pushes', async () => {
  const fx = await startEndpointFixture([{ project: 'demo', branches: ['feature'] }]);
  const { gatePath } = fx.gates.get('demo')!;
  const token = await fx.mint('demo', 't1');
  const work = await cloneFrom(fx.url('demo', token));

  it('accepts a push inside the task namespace and publishes a push event', async () => {
    const sha = await commitFile(work, 'one.txt');
    const before = fx.events.length;
    await clientGitOk(work, ['push', '-q', 'origin', 'HEAD:refs/heads/agent/t1/one']);
    expect((await allRefs(gatePath)).get('refs/heads/agent/t1/one')).toBe(sha);
    const pushes = fx.events.slice(before).filter((e) => e.type === 'push').map((e) => e.data);
    expect(pushes).toEqual([expect.objectContaining({ project: 'demo', ref: 'refs/heads/agent/t1/one', oldSha: ZERO, newSha: sha, operation: 'create', task: 't1' })]);
    expect(fx.events.slice(before).filter((e) => e.type === 'denied')).toEqual([]);

    const next = await commitFile(work, 'two.txt');
    await clientGitOk(work, ['push', '-q', 'origin', 'HEAD:refs/heads/agent/t1/one']);
    expect(fx.events.at(-1)!.data).toMatchObject({ ref: 'refs/heads/agent/t1/one', oldSha: sha, newSha: next, operation: 'fast_forward' });
  });

  it('backs up the old tip before an accepted force-push and before a delete', async () => {
    const first = await commitFile(work, 'rewrite-me.txt');
    await clientGitOk(work, ['push', '-q', 'origin', 'HEAD:refs/heads/agent/t1/b']);
    await clientGitOk(work, ['reset', '-q', '--hard', 'HEAD~1']);
    const second = await commitFile(work, 'rewritten.txt');
    const forced = await clientGit(work, ['push', '--force', 'origin', 'HEAD:refs/heads/agent/t1/b']);
    expect(forced.exitCode).toBe(0);
    expect(forced.stderr).toMatch(/remote: git-gate: force-pushing refs\/heads\/agent\/t1\/b: its old tip [0-9a-f]{12} is kept as refs\/gate\/backup\/agent\/t1\/b\//);
    let refs = await allRefs(gatePath);
    expect(refs.get('refs/heads/agent/t1/b')).toBe(second);
    const backupsOf = (sha: string) => [...refs].filter(([ref, at]) => ref.startsWith('refs/gate/backup/agent/t1/b/') && at === sha);
    expect(backupsOf(first)).toHaveLength(1);
    expect(backupsOf(first)[0]![0]).toContain(`-${first}`);
    expect(fx.events.at(-1)!.data).toMatchObject({ ref: 'refs/heads/agent/t1/b', oldSha: first, newSha: second, operation: 'force' });

    const deleted = await clientGit(work, ['push', 'origin', ':refs/heads/agent/t1/b']);
    expect(deleted.exitCode).toBe(0);
    expect(deleted.stderr).toContain('remote: git-gate: deleting refs/heads/agent/t1/b');
    refs = await allRefs(gatePath);
    expect(refs.has('refs/heads/agent/t1/b')).toBe(false);
    expect(backupsOf(second)).toHaveLength(1);
    expect(fx.events.at(-1)!.data).toMatchObject({ ref: 'refs/heads/agent/t1/b', oldSha: second, newSha: ZERO, operation: 'delete' });
  });

  it('refuses push options and creates nothing', async () => {
    await commitFile(work, 'with-options.txt');
    const result = await clientGit(work, ['push', '-o', 'ci.skip', 'origin', 'HEAD:refs/heads/agent/t1/opt']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/push options/);
    expect((await allRefs(gatePath)).has('refs/heads/agent/t1/opt')).toBe(false);
  });

  it('drops a push whose client disconnects mid-body: no ref, no quarantine, no git left running', async () => {
    const sha = 'c'.repeat(40);
    const command = `${ZERO} ${sha} refs/heads/agent/t1/cut\0report-status\n`;
    // A pack header announcing 5 objects and none of them: git creates its quarantine and then
    // waits for the objects. (Random bytes after the header made git fail fast, sometimes before
    // the quarantine could be seen, and the test then waited for ever.)
    const body = Buffer.from(`${(command.length + 4).toString(16).padStart(4, '0')}${command}0000PACK\0\0\0\x02\0\0\0\x05`);
    const req = http.request({
      host: '127.0.0.1', port: fx.port, method: 'POST', path: '/demo.git/git-receive-pack',
      headers: { Authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}`, 'Content-Type': 'application/x-git-receive-pack-request', 'Transfer-Encoding': 'chunked' },
    });
    req.on('error', () => {});
    req.write(body);
    // receive-pack has started to take the pack in: its quarantine exists.
    await until(async () => (await leftoverQuarantines(gatePath)).length > 0, 'receive-pack to create its quarantine');
    req.destroy();
    await until(async () => fx.endpoint.activeProcessGroups().length === 0, 'git to be stopped after the disconnect');
    expect((await allRefs(gatePath)).has('refs/heads/agent/t1/cut')).toBe(false);
    expect(await leftoverQuarantines(gatePath)).toEqual([]);
  });

  it('takes a chunked push over 1 MiB (5 MiB of random data)', async () => {
    const sha = await commitFile(work, 'big.bin', randomBytes(5 * 1024 * 1024));
    const mark = fx.requests.length;
    await clientGitOk(work, ['push', '-q', 'origin', 'HEAD:refs/heads/agent/t1/big']);
    expect((await allRefs(gatePath)).get('refs/heads/agent/t1/big')).toBe(sha);
    // git first probes with a 4-byte POST, then streams the pack chunked (no Content-Length).
    const posts = fx.requests.slice(mark).filter((r) => r.method === 'POST' && r.url === '/demo.git/git-receive-pack');
    expect(posts).toContainEqual(expect.objectContaining({ transferEncoding: 'chunked', status: 200 }));
    expect(await gateHasObject(gatePath, `${sha}:big.bin`)).toBe(true);
  });
});

describe('git endpoint: a project\'s own policy', async () => {
  const policy = pushPolicyFromConfig({
    namespace: 'refs/heads/agent/{task}/',
    rules: [{ ref: 'refs/heads/shared/**', allow: ['create', 'fast_forward'] }],
    maxPushBytes: 256 * 1024,
  });
  const fx = await startEndpointFixture([{ project: 'demo', policy }]);
  const { gatePath } = fx.gates.get('demo')!;
  const token = await fx.mint('demo', 't1');
  const work = await cloneFrom(fx.url('demo', token));

  it('lets a configured rule create and fast-forward, but refuses its force-push and delete with the rule', async () => {
    await commitFile(work, 'shared.txt');
    await clientGitOk(work, ['push', '-q', 'origin', 'HEAD:refs/heads/shared/x']);
    const tip = await commitFile(work, 'shared-2.txt');
    await clientGitOk(work, ['push', '-q', 'origin', 'HEAD:refs/heads/shared/x']);
    await clientGitOk(work, ['reset', '-q', '--hard', 'HEAD~2']);
    const rewrite = await commitFile(work, 'rewrite.txt');
    const forced = await clientGit(work, ['push', '--force', 'origin', 'HEAD:refs/heads/shared/x']);
    expect(forced.exitCode).not.toBe(0);
    expect(forced.stderr).toContain('remote: git-gate: refused refs/heads/shared/x (force): rule refs/heads/shared/** allows create, fast_forward, not force [rule: refs/heads/shared/**]');
    expect(forced.stderr).toContain('remote: git-gate:   push to refs/heads/agent/t1/<name> instead');
    expect(await gateHasObject(gatePath, rewrite)).toBe(false);
    const deleted = await clientGit(work, ['push', 'origin', ':refs/heads/shared/x']);
    expect(deleted.exitCode).not.toBe(0);
    expect(deleted.stderr).toContain('[rule: refs/heads/shared/**]');
    expect((await allRefs(gatePath)).get('refs/heads/shared/x')).toBe(tip);
  });

  it('refuses a push over policy.max_push_bytes and keeps none of its objects', async () => {
    await clientGitOk(work, ['checkout', '-q', '-B', 'large', 'origin/main']);
    const sha = await commitFile(work, 'too-big.bin', randomBytes(16 * 1024 * 1024));
    const objects = await gateObjectCount(gatePath);
    const result = await clientGit(work, ['push', 'origin', 'HEAD:refs/heads/agent/t1/large']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/maximum allowed size/);
    expect(await gateHasObject(gatePath, sha)).toBe(false);
    expect(await gateObjectCount(gatePath)).toBe(objects);
    expect(await leftoverQuarantines(gatePath)).toEqual([]);
    expect((await allRefs(gatePath)).has('refs/heads/agent/t1/large')).toBe(false);
  });
});
