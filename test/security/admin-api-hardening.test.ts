// The admin API's doors (THREATS.md, "The daemon's HTTP surfaces"): DNS rebinding, cross-site
// requests, content types, body caps, names from URLs, the admin token, and error bodies that
// never tell a caller where things live on the host.
import http from 'node:http';
import { rename } from 'node:fs/promises';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/server/metrics.js';
import { silentLogger } from '../../src/log/index.js';
import { type AdminServer, type Reply, startAdminServer } from '../helpers/admin-server.js';
import { daemonStateFixture, type DaemonStateFixture } from '../helpers/daemon-state-fixture.js';

const ADMIN_TOKEN = 'admin-secret-' + 'q'.repeat(40);
let fixture: DaemonStateFixture;
let unix: AdminServer;
let tcp: AdminServer;

beforeAll(async () => {
  fixture = await daemonStateFixture([{ name: 'demo' }, { name: 'gone' }]);
  const metrics = createMetrics(fixture.state.events, fixture.state);
  const common = { state: fixture.state, logger: silentLogger(), metrics };
  unix = await startAdminServer(common, 'unix');
  tcp = await startAdminServer({ ...common, adminToken: ADMIN_TOKEN }, 'tcp');
});
afterAll(async () => {
  await unix.close();
  await tcp.close();
  await fixture.close();
});

function expectError(reply: Reply, status: number, code: string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.json).toMatchObject({ error: { code, message: expect.any(String) } });
}

describe('admin API request guards', () => {
  it('answers 421 to any Host outside the allow-list (DNS rebinding), on every path', async () => {
    for (const host of ['evil.example', 'localhost.evil.example', 'localhost:80', 'LOCALHOST.', '127.0.0.1']) {
      expectError(await unix.request('GET', '/v1/projects', { headers: { host } }), 421, 'GATE_ADMIN_HOST_REFUSED');
    }
    expectError(await unix.request('GET', '/healthz', { headers: { host: 'attacker.test' } }), 421, 'GATE_ADMIN_HOST_REFUSED');
    // On TCP the exact host:port is required; the bare address is not enough.
    expectError(await tcp.request('GET', '/healthz', { headers: { host: '127.0.0.1' } }), 421, 'GATE_ADMIN_HOST_REFUSED');
    expect((await unix.request('GET', '/healthz')).status).toBe(200);
  });

  it('refuses any Origin header with 403, even its own or "null", before anything runs', async () => {
    for (const origin of ['http://localhost', 'null', 'https://evil.example', '']) {
      expectError(await unix.request('GET', '/v1/projects', { headers: { origin } }), 403, 'GATE_ADMIN_ORIGIN_REFUSED');
    }
    expectError(await unix.request('POST', '/v1/projects/demo/tokens', { headers: { origin: 'http://localhost' }, body: { task: 't1' } }), 403, 'GATE_ADMIN_ORIGIN_REFUSED');
    expect(await fixture.state.tokens.list('demo')).toEqual([]);
  });

  it('answers 415 to a POST whose body is not declared as JSON, and changes nothing', async () => {
    const body = JSON.stringify({ task: 't1' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
      expectError(await unix.request('POST', '/v1/projects/demo/tokens', { raw: body, headers: { 'content-type': type } }), 415, 'GATE_ADMIN_UNSUPPORTED_MEDIA');
    }
    expectError(await unix.request('POST', '/v1/projects/demo/tokens', { raw: body }), 415, 'GATE_ADMIN_UNSUPPORTED_MEDIA');
    expect(await fixture.state.tokens.list('demo')).toEqual([]);
    // The parameter form of the right type is accepted.
    const ok = await unix.request('POST', '/v1/projects/demo/tokens', { raw: body, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(ok.status, ok.text).toBe(201);
  });

  it('answers 413 to a body over 64 KiB, declared or streamed, without acting on it', async () => {
    const before = (await fixture.state.tokens.list()).length;
    const big = { task: 'big', pad: 'a'.repeat(70 * 1024) };
    expectError(await unix.request('POST', '/v1/projects/demo/tokens', { body: big }), 413, 'GATE_TOO_LARGE');
    // Chunked, with no Content-Length: the cap holds on the bytes actually read.
    const streamed = await new Promise<Reply>((resolve, reject) => {
      const req = http.request({ ...unix.connect, method: 'POST', path: '/v1/projects/demo/tokens', headers: { host: unix.host, 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString(), json: JSON.parse(Buffer.concat(chunks).toString()) }));
      });
      req.on('error', reject);
      req.write('{"task":"big","pad":"');
      for (let i = 0; i < 20; i++) req.write('b'.repeat(8 * 1024));
      req.end('"}');
    });
    expectError(streamed, 413, 'GATE_TOO_LARGE');
    expect((await fixture.state.tokens.list()).length).toBe(before);
  });

  it('answers 400 to traversal and malformed project names, decoding once', async () => {
    const bad = [
      '/v1/projects/..', '/v1/projects/%2e%2e/plan', '/v1/projects/%2E%2E/pending', '/v1/projects/.hidden/backups',
      '/v1/projects/Demo', '/v1/projects/DEMO/plan', '/v1/projects/a%2fb/plan', '/v1/projects/a%5cb/plan',
      `/v1/projects/${'a'.repeat(64)}`, '/v1/projects/%2fetc%2fpasswd/backups', '/v1/projects/demo%00/plan',
      '/v1/projects/%252e%252e/plan', '/v1/projects/%zz/plan', '/v1/../healthz', '/v1/projects/demo/../gone/plan',
    ];
    for (const target of bad) {
      const reply = await unix.request('GET', target);
      expect(reply.status, target).toBe(400);
      expect(['GATE_SCOPE_INVALID', 'GATE_INVALID_ARGUMENT']).toContain(reply.json?.error?.code);
    }
    // A name at the length limit is well-formed: it is simply unknown.
    expectError(await unix.request('GET', `/v1/projects/${'a'.repeat(63)}`), 404, 'GATE_PROJECT_NOT_FOUND');
  });

  it('answers 404 to unknown projects and routes, and 405 with Allow to a wrong method', async () => {
    expectError(await unix.request('GET', '/v1/projects/nope/plan'), 404, 'GATE_PROJECT_NOT_FOUND');
    expectError(await unix.request('GET', '/v1/nothing'), 404, 'GATE_ADMIN_NOT_FOUND');
    expectError(await unix.request('GET', '/v1/projects/demo/info/refs'), 404, 'GATE_ADMIN_NOT_FOUND');
    const wrong = await unix.request('DELETE', '/v1/projects');
    expectError(wrong, 405, 'GATE_ADMIN_METHOD_NOT_ALLOWED');
    expect(wrong.headers['allow']).toBe('GET');
    expectError(await unix.request('GET', '/v1/projects/demo/sync'), 405, 'GATE_ADMIN_METHOD_NOT_ALLOWED');
  });
});

describe('the admin token on TCP', () => {
  it('is required (401) on every API path, and only the exact token passes', async () => {
    expectError(await tcp.request('GET', '/v1/projects'), 401, 'GATE_ADMIN_UNAUTHORIZED');
    for (const authorization of [`Bearer ${ADMIN_TOKEN}x`, `Bearer ${ADMIN_TOKEN.slice(0, -1)}`, `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`, ADMIN_TOKEN, 'Bearer ']) {
      const reply = await tcp.request('GET', '/v1/projects', { headers: { authorization } });
      expectError(reply, 401, 'GATE_ADMIN_UNAUTHORIZED');
      expect(reply.text).not.toContain(ADMIN_TOKEN);
    }
    expectError(await tcp.request('GET', '/metrics'), 401, 'GATE_ADMIN_UNAUTHORIZED');
    expectError(await tcp.request('POST', '/v1/projects/demo/tokens', { body: { task: 'x' } }), 401, 'GATE_ADMIN_UNAUTHORIZED');
    const ok = await tcp.request('GET', '/v1/projects', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.json.projects.map((p: { name: string }) => p.name)).toEqual(['demo', 'gone']);
  });

  it('is not needed for the liveness and readiness probes', async () => {
    expect((await tcp.request('GET', '/healthz')).status).toBe(200);
    expect([200, 503]).toContain((await tcp.request('GET', '/readyz')).status);
  });
});

describe('admin API answers about failures', () => {
  it('never carry the host paths or upstream URL of a gate, even when upstream is gone', async () => {
    const upstream = fixture.upstreams.get('gone')!;
    await rename(upstream.dir, `${upstream.dir}-moved`);
    const replies = [
      await unix.request('POST', '/v1/projects/gone/sync', { body: {} }),
      await unix.request('GET', '/v1/projects/gone/plan'),
      await unix.request('GET', '/v1/projects/gone'),
      await unix.request('GET', '/v1/projects/gone/pending'),
      await unix.request('GET', '/v1/projects'),
    ];
    const [sync, plan] = replies;
    expect(sync!.status).toBe(200);
    expect(sync!.json.success).toBe(false);
    expect(sync!.json.errors.length).toBeGreaterThan(0);
    expect(sync!.json.errors[0].code).toMatch(/^GATE_/);
    expect(plan!.status).toBeGreaterThanOrEqual(400);
    for (const reply of replies) {
      for (const secret of [fixture.root, upstream.dir, `${os.tmpdir()}/`, '/upstream']) expect(reply.text, reply.text).not.toContain(secret);
      expect(reply.text).not.toContain('fatal:');
      expect(reply.text).not.toContain('\u001b');
    }
  });
});
