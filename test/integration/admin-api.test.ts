// Each admin endpoint's happy path against real gates on real upstreams, over a unix socket.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/index.js';
import { createMetrics } from '../../src/server/metrics.js';
import { type AdminServer, startAdminServer } from '../helpers/admin-server.js';
import { daemonStateFixture, type DaemonStateFixture } from '../helpers/daemon-state-fixture.js';
import { headsOf } from '../helpers/git-fixture.js';

let fixture: DaemonStateFixture;
let admin: AdminServer;
const logLines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  fixture = await daemonStateFixture([{ name: 'demo' }, { name: 'mirror', mode: 'online' }, { name: 'scratch', mode: 'remoteless' }]);
  const log = new PassThrough();
  log.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
  });
  admin = await startAdminServer({ state: fixture.state, logger: createLogger({ level: 'info', destination: log }), metrics: createMetrics(fixture.state.events, fixture.state), syncRateLimit: { burst: 100, refillPerSecond: 10 } });
});
afterAll(async () => {
  await admin.close();
  await fixture.close();
});

const gatePath = (name: string) => fixture.state.project(name)!.gate.gatePath;

describe.sequential('project endpoints', () => {
  it('a manual sync creates the upstream branches and reports them without host paths', async () => {
    const upstream = fixture.upstreams.get('demo')!;
    const feature = await upstream.commit('feature', 'feature work');
    const sync = await admin.request('POST', '/v1/projects/demo/sync', { body: {} });
    expect(sync.status, sync.text).toBe(200);
    expect(sync.json).toMatchObject({ success: true, created: true, errors: [], pending: [] });
    expect(sync.json.applied).toEqual([
      { branch: 'feature', kind: 'create', oldSha: null, newSha: feature },
      { branch: 'main', kind: 'create', oldSha: null, newSha: await upstream.sha('main') },
    ]);
    expect(await headsOf(gatePath('demo'))).toEqual(new Map([['feature', feature], ['main', await upstream.sha('main')]]));
    expect(sync.json).not.toHaveProperty('path');
    expect(sync.json).not.toHaveProperty('upstreamUrl');
    expect(sync.text).not.toContain(fixture.root);
  });

  it('lists projects with mode and last sync, and shows one project with its staleness', async () => {
    const list = await admin.request('GET', '/v1/projects');
    expect(list.status).toBe(200);
    expect(list.json.projects.map((p: { name: string; mode: string }) => [p.name, p.mode])).toEqual([['demo', 'gatekeeping'], ['mirror', 'online'], ['scratch', 'remoteless']]);
    const demo = list.json.projects[0];
    expect(demo.lastSync).toMatchObject({ trigger: 'api', success: true, applied: 2, pending: 0 });
    expect(demo.cacheVersion).toBe(demo.lastSync.cacheVersion);
    expect(list.json.projects[1].lastSync).toBeNull();
    expect(list.text).not.toContain(fixture.root);

    const upstream = fixture.upstreams.get('demo')!;
    await upstream.commit('main', 'ahead upstream');
    const one = await admin.request('GET', '/v1/projects/demo');
    expect(one.status, one.text).toBe(200);
    expect(one.json).toMatchObject({ name: 'demo', mode: 'gatekeeping', syncAttempted: true, lastSync: { success: true } });
    const main = one.json.staleness.find((row: { branch: string }) => row.branch === 'main');
    expect(main).toMatchObject({ isStale: true, commitsBehind: 1, commitsAhead: 0, error: null });
    // The upstream's HEAD followed its last checkout (feature), and the gate's HEAD follows upstream.
    expect(one.json.lastCommit).toMatchObject({ branch: 'feature', subject: 'feature work' });
    expect(one.text).not.toContain(fixture.root);
    const scratch = await admin.request('GET', '/v1/projects/scratch');
    expect(scratch.json).toMatchObject({ mode: 'remoteless', syncAttempted: true, staleness: [] });
  });

  it('after an upstream force-push: plan and pending show it, apply writes a backup, backups lists it', async () => {
    const upstream = fixture.upstreams.get('demo')!;
    const oldFeature = await upstream.sha('feature');
    const rewritten = await upstream.rewrite('feature', 'main~1');
    const plan = await admin.request('GET', '/v1/projects/demo/plan');
    expect(plan.status, plan.text).toBe(200);
    expect(plan.json.pending).toEqual([expect.objectContaining({ branch: 'feature', kind: 'force_update', gateSha: oldFeature, upstreamSha: rewritten })]);
    expect(plan.json).not.toHaveProperty('upstreamUrl');

    const sync = await admin.request('POST', '/v1/projects/demo/sync', { body: {} });
    expect(sync.json.pending.map((op: { branch: string }) => op.branch)).toEqual(['feature']);
    expect((await headsOf(gatePath('demo'))).get('feature')).toBe(oldFeature);
    const pending = await admin.request('GET', '/v1/projects/demo/pending');
    expect(pending.json.pending).toEqual([expect.objectContaining({ branch: 'feature', kind: 'force_update', reason: 'upstream_rewrite' })]);

    const unknown = await admin.request('POST', '/v1/projects/demo/apply', { body: { branches: ['nope'] } });
    expect(unknown.status).toBe(409);
    expect(unknown.json.error.code).toBe('GATE_PENDING_STALE');
    for (const body of [{}, { all: true, branches: ['feature'] }, { branches: [] }, { branches: 'feature' }, { all: 'yes' }, { every: true }]) {
      const bad = await admin.request('POST', '/v1/projects/demo/apply', { body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.json.error.code).toBe('GATE_INVALID_ARGUMENT');
    }
    expect((await headsOf(gatePath('demo'))).get('feature')).toBe(oldFeature);

    const applied = await admin.request('POST', '/v1/projects/demo/apply', { body: { branches: ['feature'] } });
    expect(applied.status, applied.text).toBe(200);
    expect(applied.json.applied).toEqual([{ branch: 'feature', kind: 'force_update', oldSha: oldFeature, newSha: rewritten }]);
    expect(applied.json.backups).toEqual([expect.objectContaining({ branch: 'feature', sha: oldFeature })]);
    expect((await headsOf(gatePath('demo'))).get('feature')).toBe(rewritten);
    const backups = await admin.request('GET', '/v1/projects/demo/backups');
    expect(backups.json.backups).toEqual([expect.objectContaining({ branch: 'feature', sha: oldFeature, ref: applied.json.backups[0].ref })]);
    expect((await admin.request('GET', '/v1/projects/demo/pending')).json.pending).toEqual([]);
  });
});

describe.sequential('token endpoints', () => {
  it('a minted token verifies for its project only; listing never shows it; revoking makes it fail', async () => {
    const minted = await admin.request('POST', '/v1/projects/demo/tokens', { body: { task: 't42', capability: 'write', ttl_seconds: 3600 } });
    expect(minted.status, minted.text).toBe(201);
    expect(minted.json).toMatchObject({ id: expect.stringMatching(/^tok_/), token: expect.stringMatching(/^ggt_[A-Za-z0-9_-]{43}$/), project: 'demo', task: 't42', capability: 'write' });
    expect(minted.headers['cache-control']).toBe('no-store');
    const { token, id } = minted.json as { token: string; id: string };
    expect(await fixture.state.tokens.verify(token, 'demo')).toEqual({ id, project: 'demo', task: 't42', capability: 'write' });
    expect(await fixture.state.tokens.verify(token, 'mirror')).toBeNull();

    const list = await admin.request('GET', '/v1/projects/demo/tokens');
    expect(list.json.tokens).toEqual([expect.objectContaining({ id, task: 't42', capability: 'write', revokedAt: null })]);
    expect(list.text).not.toContain(token);
    expect(list.text).not.toContain('sha256');

    const revoked = await admin.request('DELETE', `/v1/tokens/${id}`);
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.json).toEqual({ id, revoked: true });
    expect(await fixture.state.tokens.verify(token, 'demo')).toBeNull();
    expect((await admin.request('GET', '/v1/projects/demo/tokens')).json.tokens[0].revokedAt).toEqual(expect.any(String));

    const missing = await admin.request('DELETE', '/v1/tokens/tok_AAAAAAAAAAAA');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('GATE_TOKEN_NOT_FOUND');

    // One audit line per mutating request: who, what, decision, duration; never the token.
    const audits = logLines.filter((line) => line['audit'] === true && line['action'] === 'tokens.mint' || line['action'] === 'tokens.revoke');
    expect(audits.map((line) => [line['action'], line['decision'], line['status']])).toEqual([['tokens.mint', 'allowed', 201], ['tokens.revoke', 'allowed', 200], ['tokens.revoke', 'refused', 404]]);
    for (const line of audits) expect(line).toMatchObject({ who: 'admin', durationMs: expect.any(Number) });
    expect(JSON.stringify(logLines)).not.toContain(token);
  });

  it('an online gate mints read tokens and refuses a write token with a clear reason', async () => {
    const write = await admin.request('POST', '/v1/projects/mirror/tokens', { body: { task: 't1', capability: 'write', ttl_seconds: 60 } });
    expect(write.status).toBe(400);
    expect(write.json.error).toMatchObject({ code: 'GATE_TOKEN_CAPABILITY_REFUSED', message: expect.stringContaining('online gate') });
    expect(await fixture.state.tokens.list('mirror')).toEqual([]);
    const read = await admin.request('POST', '/v1/projects/mirror/tokens', { body: { task: 't1' } });
    expect(read.status).toBe(201);
    expect(read.json).toMatchObject({ capability: 'read', project: 'mirror' });
    expect(Date.parse(read.json.expiresAt) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
  });

  it('refuses malformed mint requests without minting', async () => {
    const before = (await fixture.state.tokens.list()).length;
    for (const body of [{}, { task: '../x' }, { task: 'T1' }, { task: 't1', capability: 'admin' }, { task: 't1', ttl_seconds: -5 }, { task: 't1', ttl_seconds: '1h' }, { task: 't1', scope: 'all' }]) {
      const reply = await admin.request('POST', '/v1/projects/demo/tokens', { body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.json.error.code).toBe('GATE_INVALID_ARGUMENT');
    }
    const notJson = await admin.request('POST', '/v1/projects/demo/tokens', { raw: '{"task":', headers: { 'content-type': 'application/json' } });
    expect(notJson.json.error.code).toBe('GATE_INVALID_ARGUMENT');
    expect((await fixture.state.tokens.list()).length).toBe(before);
  });
});
