// 50 concurrent POST …/sync through the admin API reach upstream at most twice: the upstream is
// a real smart-HTTP server that records every request, so the count is of real upstream traffic,
// not of calls into our own code.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/index.js';
import { createMetrics } from '../../src/server/metrics.js';
import { type AdminServer, startAdminServer } from '../helpers/admin-server.js';
import { daemonStateFixture, type DaemonStateFixture } from '../helpers/daemon-state-fixture.js';
import { git, headsOf, tempDir, Upstream } from '../helpers/git-fixture.js';
import { type HttpGitServer, makeCertificate, startHttpGitServer } from '../helpers/http-git-server.js';

let upstreamServer: HttpGitServer;
let fixture: DaemonStateFixture;
let admin: AdminServer;
let bare: string;

beforeAll(async () => {
  const work = await Upstream.create();
  await work.commit('feature', 'feature work');
  bare = path.join(await tempDir('gate-served-'), 'repo.git');
  await git(path.dirname(bare), 'clone', '-q', '--bare', work.dir, bare);
  const certificate = await makeCertificate();
  upstreamServer = await startHttpGitServer({ certificate, projectRoot: path.dirname(bare) });
  fixture = await daemonStateFixture([{
    name: 'busy',
    gate: {
      upstreamUrl: `https://127.0.0.1:${upstreamServer.port}/repo.git`,
      transport: async () => ({ env: {}, config: [`http.sslCAInfo=${certificate.certFile}`] }),
    },
  }]);
  admin = await startAdminServer({ state: fixture.state, logger: silentLogger(), metrics: createMetrics(fixture.state.events), syncRateLimit: { burst: 100, refillPerSecond: 1 } });
});
afterAll(async () => {
  await admin.close();
  await fixture.close();
  await upstreamServer.close();
});

describe('manual syncs through the admin API', () => {
  it('50 concurrent POST …/sync run at most two syncs and at most two upstream fetches', async () => {
    const started: number[] = [];
    fixture.state.events.subscribe((event) => {
      if (event.type === 'sync.started') started.push(event.id);
    });
    const replies = await Promise.all(Array.from({ length: 50 }, () => admin.request('POST', '/v1/projects/busy/sync', { body: {} })));
    for (const reply of replies) {
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json.success, reply.text).toBe(true);
    }
    expect(await headsOf(fixture.state.project('busy')!.gate.gatePath)).toEqual(await headsOf(bare));

    const runs = fixture.syncRuns.get('busy')!;
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThanOrEqual(2);
    expect(started).toHaveLength(runs);
    expect(fixture.syncResults.filter((result) => result.fetched).length).toBeLessThanOrEqual(2);
    // Upstream's side: every git conversation starts with one GET info/refs (a listing, or a
    // fetch); a sync lists upstream at most twice (once early, once more if the lock came late)
    // and fetches at most once.
    const conversations = upstreamServer.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/info/refs')).length;
    expect(conversations).toBeGreaterThanOrEqual(1);
    expect(conversations).toBeLessThanOrEqual(3 * runs);
    // The 50 callers got one of at most two distinct results.
    expect(new Set(replies.map((reply) => `${reply.json.durationMs}:${reply.json.created}`)).size).toBeLessThanOrEqual(runs);
  });
});
