// The admin API's live surfaces: server-sent events, /metrics, /readyz, the per-project rate
// limit on manual syncs, and coalescing of a burst of sync requests, over real sockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/index.js';
import { createMetrics } from '../../src/server/metrics.js';
import { type AdminServer, openEventStream, startAdminServer } from '../helpers/admin-server.js';
import { daemonStateFixture, type DaemonStateFixture } from '../helpers/daemon-state-fixture.js';

let fixture: DaemonStateFixture;
let admin: AdminServer;

beforeAll(async () => {
  fixture = await daemonStateFixture([{ name: 'demo' }, { name: 'other' }]);
  admin = await startAdminServer({
    state: fixture.state, logger: silentLogger(), metrics: createMetrics(fixture.state.events, fixture.state),
    syncRateLimit: { burst: 3, refillPerSecond: 0.01 }, sseKeepAliveMs: 50,
  });
});
afterAll(async () => {
  await admin.close();
  await fixture.close();
});

describe.sequential('admin API live surfaces', () => {
  it('/readyz is 503 naming the gates without a sync attempt, then 200 once each had one', async () => {
    const before = await admin.request('GET', '/readyz');
    expect(before.status).toBe(503);
    expect(before.json).toEqual({ ready: false, waiting: ['demo', 'other'] });
    expect((await admin.request('GET', '/healthz')).status).toBe(200);
    await admin.request('POST', '/v1/projects/other/sync', { body: {} });
    expect((await admin.request('GET', '/readyz')).json).toEqual({ ready: false, waiting: ['demo'] });
    // An event stream is opened here so the next sync is also the one the stream test reads.
    const stream = await openEventStream(admin);
    const sync = await admin.request('POST', '/v1/projects/demo/sync', { body: {} });
    expect(sync.json.success).toBe(true);
    const after = await admin.request('GET', '/readyz');
    expect(after.status).toBe(200);
    expect(after.json).toEqual({ ready: true });

    // A subscriber saw the API sync start and finish, with its trigger and summary.
    await stream.waitFor((events) => events.some((e) => e.type === 'sync.finished'));
    const demoEvents = stream.events.filter((e) => e.data['project'] === 'demo');
    expect(demoEvents.map((e) => e.type)).toEqual(['sync.started', 'sync.finished']);
    expect(demoEvents[0]!.data).toMatchObject({ trigger: 'api' });
    expect(demoEvents[1]!.data).toMatchObject({ trigger: 'api', success: true, applied: 1, pending: 0, time: expect.any(String) });
    expect(demoEvents[1]!.id).toBeGreaterThan(demoEvents[0]!.id);
    // Idle streams get keep-alive comments.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(stream.comments).toContain('keep-alive');
    stream.close();

    // A client resuming after sync.started gets sync.finished replayed, then live events.
    const resumed = await openEventStream(admin, { lastEventId: demoEvents[0]!.id });
    await resumed.waitFor((events) => events.length >= 1);
    expect(resumed.events[0]).toEqual(demoEvents[1]);
    fixture.state.events.publish('pending', { project: 'demo', branches: ['x'] });
    await resumed.waitFor((events) => events.some((e) => e.type === 'pending'));
    resumed.close();
  });

  it('filters by ?project=, unsubscribes on close, and ends streams on close()', async () => {
    // Only the metrics listen once the earlier streams' closes have reached the server.
    await waitUntil(() => fixture.state.events.subscriberCount === 1);
    const baseline = 1;
    const onlyOther = await openEventStream(admin, { query: '?project=other' });
    const all = await openEventStream(admin);
    expect(fixture.state.events.subscriberCount).toBe(baseline + 2);
    fixture.state.events.publish('stale', { project: 'demo', branch: 'main', commitsBehind: 2, commitsAhead: 0 });
    fixture.state.events.publish('stale', { project: 'other', branch: 'main', commitsBehind: 5, commitsAhead: 1 });
    await all.waitFor((events) => events.length === 2);
    await onlyOther.waitFor((events) => events.length === 1);
    expect(onlyOther.events[0]!.data).toMatchObject({ project: 'other', commitsBehind: 5 });
    onlyOther.close();
    await waitUntil(() => fixture.state.events.subscriberCount === baseline + 1);
    await admin.api.close();
    await waitUntil(() => fixture.state.events.subscriberCount === baseline);
    all.close();
    const bad = await admin.request('GET', '/v1/events?project=..');
    expect(bad.status).toBe(400);
  });

  it('/metrics counts syncs by outcome and the events of the endpoint, in Prometheus text', async () => {
    const bus = fixture.state.events;
    bus.publish('push', { project: 'demo', ref: 'refs/heads/agent/t1/x', oldSha: '0'.repeat(40), newSha: '1'.repeat(40), operation: 'create', task: 't1', tokenId: 'tok_x' });
    bus.publish('denied', { project: 'demo', ref: 'refs/heads/main', rule: 'protected-default-branch', task: 't1', tokenId: 'tok_x', reason: 'protected' });
    bus.publish('fetch', { project: 'demo', task: 't1', tokenId: 'tok_x', bytes: 1234 });
    const metrics = await admin.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    const text = metrics.text;
    expect(text).toContain('gate_syncs_total{project="demo",trigger="api",outcome="success",failure_class="none"} 1');
    expect(text).toContain('gate_syncs_total{project="other",trigger="api",outcome="success",failure_class="none"} 1');
    expect(text).toContain('gate_sync_duration_seconds_count{project="demo"} 1');
    expect(text).toContain('gate_pushes_total{project="demo",operation="create"} 1');
    expect(text).toContain('gate_push_denials_total{project="demo",rule="protected-default-branch"} 1');
    expect(text).toContain('gate_fetches_total{project="demo"} 1');
    expect(text).toContain('gate_served_bytes_total{project="demo"} 1234');
    expect(text).toContain('gate_branch_commits_behind{project="other",branch="main"} 5');
    expect(text).toMatch(/^gate_cache_age_seconds\{project="demo"\} \d/m);
    expect(text).toContain('gate_last_sync_success{project="demo"} 1');
  });

  it('a burst of manual syncs beyond the bucket gets 429 with Retry-After, per project', async () => {
    // demo used one token of three above; two more pass, the next is refused.
    expect((await admin.request('POST', '/v1/projects/demo/sync', { body: {} })).status).toBe(200);
    expect((await admin.request('POST', '/v1/projects/demo/sync', { body: {} })).status).toBe(200);
    const runs = fixture.syncRuns.get('demo');
    const limited = await admin.request('POST', '/v1/projects/demo/sync', { body: {} });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('GATE_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(fixture.syncRuns.get('demo')).toBe(runs);
    // Another project has its own bucket.
    expect((await admin.request('POST', '/v1/projects/other/sync', { body: {} })).status).toBe(200);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
