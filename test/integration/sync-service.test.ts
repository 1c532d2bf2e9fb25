// The daemon's sync service against real gates: coalescing, the global limit, events, records,
// readiness, shutdown; and the scheduler driving it (cheap check, parking on auth failure).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStateDirs, readSyncRecord, statePaths } from '../../src/config/index.js';
import { GitGate, type GitGateOptions } from '../../src/gate/index.js';
import type { ManagedProject } from '../../src/server/daemon-state.js';
import { EventBus, type GateEvent } from '../../src/server/events.js';
import { ProjectRegistry } from '../../src/server/project-registry.js';
import { Scheduler } from '../../src/server/scheduler.js';
import { SyncService } from '../../src/server/sync-service.js';
import type { ProjectConfig } from '../../src/config/index.js';
import { git, headsOf, tempDir, Upstream } from '../helpers/git-fixture.js';
import { type HttpGitServer, makeCertificate, startHttpGitServer, type TestCertificate } from '../helpers/http-git-server.js';

let certificate: TestCertificate;
let httpRoot: string;
let server: HttpGitServer;
let slowServer: HttpGitServer;
let lockedServer: HttpGitServer;
let httpUpstream: Upstream;

beforeAll(async () => {
  certificate = await makeCertificate();
  httpRoot = await tempDir('gate-sync-http-');
  httpUpstream = await Upstream.create(httpRoot);
  await git(httpRoot, 'clone', '-q', '--bare', httpUpstream.dir, path.join(httpRoot, 'repo.git'));
  server = await startHttpGitServer({ certificate, projectRoot: httpRoot });
  slowServer = await startHttpGitServer({ certificate, projectRoot: httpRoot, delayMs: 1500 });
  lockedServer = await startHttpGitServer({ certificate, projectRoot: httpRoot, credentials: { username: 'x', password: 'not-given-to-the-gate' } });
});
afterAll(async () => {
  await Promise.all([server?.close(), slowServer?.close(), lockedServer?.close()]);
});

// A project as the daemon holds it; only the fields the sync service reads matter here.
function managed(name: string, options: Partial<GitGateOptions> & { gatePath: string }, config: { intervalMs?: number | null; remoteless?: boolean } = {}): ManagedProject {
  const gate = new GitGate({ scope: name, ...options });
  const projectConfig = {
    name, file: `/dev/null/${name}.yaml`, mode: config.remoteless ? 'remoteless' : 'gatekeeping',
    upstream: config.remoteless ? null : { url: options.upstreamUrl ?? '', defaultBranch: null, allowLocal: true },
    ssh: { usePersonal: null, hostKeys: [] }, gate: { path: options.gatePath, backups: { enabled: null, retentionDays: null } },
    cache: { enabled: false }, sync: { intervalMs: config.intervalMs ?? null, branches: [] },
    policy: { namespace: 'refs/heads/agent/{task}/', rules: [], maxPushBytes: null },
  } as ProjectConfig;
  return { name, config: projectConfig, gate };
}

function httpsProject(name: string, root: string, port: number): ManagedProject {
  return managed(name, {
    gatePath: path.join(root, `${name}.git`), upstreamUrl: `https://127.0.0.1:${port}/repo.git`,
    transport: async () => ({ env: {}, config: [`http.sslCAInfo=${certificate.certFile}`] }),
  });
}

function recorder(events: EventBus): GateEvent[] {
  const seen: GateEvent[] = [];
  events.subscribe((event) => seen.push(event));
  return seen;
}

function lockFilesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.lock')) found.push(full);
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

describe('sync service', () => {
  it('50 concurrent sync calls run at most 2 gate syncs and reach upstream a bounded number of times', async () => {
    const root = await tempDir();
    const project = httpsProject('burst', root, server.port);
    const events = new EventBus();
    const seen = recorder(events);
    const service = new SyncService({ registry: ProjectRegistry.of([project]), events, maxConcurrent: 2, checkStaleness: false });
    await service.sync('burst', 'startup');
    const moved = await httpUpstream.commit('main', 'moved for the burst');
    await git(path.join(httpRoot, 'repo.git'), 'fetch', '-q', httpUpstream.dir, '+refs/heads/*:refs/heads/*');
    seen.length = 0;
    const before = server.requests.length;
    const results = await Promise.all(Array.from({ length: 50 }, () => service.sync('burst', 'api')));
    expect(results.every((result) => result.success)).toBe(true);
    const started = seen.filter((event) => event.type === 'sync.started');
    expect(started.length).toBeGreaterThanOrEqual(1);
    expect(started.length).toBeLessThanOrEqual(2);
    // Each sync is one listing plus at most one fetch, each an info/refs round trip: 50 syncs would be ≥ 50.
    const advertisements = server.requests.slice(before).filter((request) => request.method === 'GET' && request.path.endsWith('/info/refs'));
    expect(advertisements.length).toBeGreaterThanOrEqual(1);
    expect(advertisements.length).toBeLessThanOrEqual(4);
    expect((await headsOf(project.config.gate.path)).get('main')).toBe(moved);
    await project.gate.close();
  });

  it('the global limit holds: 3 projects with a limit of 1 never sync at the same time', async () => {
    const root = await tempDir();
    const projects = await Promise.all(['one', 'two', 'three'].map(async (name) => {
      const upstream = await Upstream.create(path.join(root, name));
      await upstream.commit('main', `work of ${name}`);
      return managed(name, { gatePath: path.join(root, `${name}.git`), upstreamUrl: upstream.dir, allowLocalUpstream: true });
    }));
    const events = new EventBus();
    let running = 0;
    let most = 0;
    events.subscribe((event) => {
      if (event.type === 'sync.started') most = Math.max(most, ++running);
      if (event.type === 'sync.finished') running--;
    });
    const service = new SyncService({ registry: ProjectRegistry.of(projects), events, maxConcurrent: 1 });
    const results = await Promise.all(projects.flatMap((p) => [service.sync(p.name, 'api'), service.sync(p.name, 'schedule')]));
    expect(results.every((r) => r.success)).toBe(true);
    expect(most).toBe(1);
    expect(projects.map((p) => existsSync(p.config.gate.path))).toEqual([true, true, true]);
    await Promise.all(projects.map((p) => p.gate.close()));
  });

  it('publishes started/finished/pending, remembers the summary, writes the record and tracks readiness', async () => {
    const root = await tempDir();
    const paths = statePaths(path.join(root, 'state'));
    ensureStateDirs(paths);
    const upstream = await Upstream.create(root);
    const base = await upstream.sha('main');
    await upstream.commit('feature', 'feature work');
    const project = managed('evented', { gatePath: path.join(root, 'evented.git'), upstreamUrl: upstream.dir, allowLocalUpstream: true });
    const scratch = managed('scratch', { gatePath: path.join(root, 'scratch.git') }, { remoteless: true });
    const events = new EventBus();
    const seen = recorder(events);
    const service = new SyncService({ registry: ProjectRegistry.of([project, scratch]), events, maxConcurrent: 2, paths });
    expect(service.readiness()).toEqual({ ready: false, waiting: ['evented'] });
    await service.sync('evented', 'startup');
    expect(service.readiness()).toEqual({ ready: true, waiting: [] });
    expect(service.lastSync('evented')).toMatchObject({ trigger: 'startup', success: true, errorCode: null, applied: 2, pending: 0 });
    expect((await readSyncRecord(paths, 'evented'))).toMatchObject({ outcome: 'success', counts: { applied: 2 } });

    await upstream.rewrite('feature', base);
    seen.length = 0;
    const result = await service.sync('evented', 'api');
    expect(result.pending.map((op) => op.branch)).toEqual(['feature']);
    expect(seen.map((event) => event.type)).toEqual(['sync.started', 'sync.finished', 'pending', 'stale']);
    expect(seen[1]!.data).toMatchObject({ project: 'evented', trigger: 'api', success: true, pending: 1 });
    expect(seen[2]!.data).toEqual({ project: 'evented', branches: ['feature'] });
    expect(seen[3]!.data).toMatchObject({ project: 'evented', branch: 'feature' });
    await expect(service.sync('nope', 'api')).rejects.toMatchObject({ code: 'GATE_PROJECT_NOT_FOUND' });
    await Promise.all([project.gate.close(), scratch.gate.close()]);
  });

  // Gates run with gc.auto=0: without the daemon's maintenance every sync would leave loose refs and every fetch a pack, for ever.
  it('maintains a gate after its first successful sync, then only once the interval has passed; never when off', async () => {
    const root = await tempDir();
    const upstream = await Upstream.create(root);
    for (const branch of ['a', 'b', 'c']) await upstream.commit(branch, `work on ${branch}`);
    const project = managed('kept', { gatePath: path.join(root, 'kept.git'), upstreamUrl: upstream.dir, allowLocalUpstream: true });
    const events = new EventBus();
    const seen = recorder(events);
    const service = new SyncService({ registry: ProjectRegistry.of([project]), events, maxConcurrent: 1, maintenanceIntervalMs: 60 * 60_000, checkStaleness: false });
    await service.sync('kept', 'startup');
    await upstream.commit('a', 'more on a');
    await service.sync('kept', 'api'); // waits for the maintenance (same global slot), which left nothing loose
    await service.stop(10_000);
    const maintained = seen.filter((event) => event.type === 'maintenance.finished');
    expect(maintained.map((event) => event.data)).toEqual([expect.objectContaining({ project: 'kept', success: true, errorCode: null })]);
    expect((maintained[0]!.data as { steps: Array<{ step: string }> }).steps.map((s) => s.step)).toEqual(['pack-refs', 'repack', 'commit-graph']);
    const gatePath = project.config.gate.path;
    expect(existsSync(path.join(gatePath, 'objects', 'info', 'commit-graphs', 'commit-graph-chain'))).toBe(true);
    // The second sync came within the interval: its fast-forward is a loose ref again, left for the next round.
    expect(existsSync(path.join(gatePath, 'refs', 'heads', 'a'))).toBe(true);
    expect(existsSync(path.join(gatePath, 'refs', 'heads', 'b'))).toBe(false);

    const never = managed('never', { gatePath: path.join(root, 'never.git'), upstreamUrl: upstream.dir, allowLocalUpstream: true });
    const quiet = recorder(events);
    const off = new SyncService({ registry: ProjectRegistry.of([never]), events, maxConcurrent: 1, maintenanceIntervalMs: null, checkStaleness: false });
    await off.sync('never', 'startup');
    await off.stop(10_000);
    expect(quiet.filter((event) => event.type === 'maintenance.finished')).toEqual([]);
    await Promise.all([project.gate.close(), never.gate.close()]);
  });

  it('a failed sync is remembered with its code and failure class and counts towards readiness', async () => {
    const root = await tempDir();
    const project = httpsProject('locked', root, lockedServer.port);
    const service = new SyncService({ registry: ProjectRegistry.of([project]), events: new EventBus(), maxConcurrent: 1 });
    const result = await service.sync('locked', 'startup');
    expect(result.success).toBe(false);
    expect(service.lastSync('locked')).toMatchObject({ success: false, errorCode: 'GATE_UPSTREAM_AUTH_FAILED', failureClass: 'auth_failed' });
    expect(service.readiness().ready).toBe(true);
    await project.gate.close();
  });

  it('stop() lets a sync run for the grace period, then cancels it cleanly and refuses new ones', async () => {
    const root = await tempDir();
    const project = httpsProject('slow', root, slowServer.port);
    const service = new SyncService({ registry: ProjectRegistry.of([project]), events: new EventBus(), maxConcurrent: 1 });
    const running = service.sync('slow', 'startup');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = Date.now();
    await service.stop(200);
    expect(Date.now() - stopped).toBeLessThan(5000);
    const result = await running;
    expect(result.success).toBe(false);
    expect(result.errors[0]?.code).toBe('GATE_CANCELLED');
    expect(lockFilesUnder(root)).toEqual([]);
    await expect(service.sync('slow', 'api')).rejects.toMatchObject({ code: 'GATE_CANCELLED' });
    await project.gate.close();
  });
});

describe('scheduler with real gates', () => {
  // A manual clock: the test fires the next run when it wants.
  function manualClock() {
    const timers: Array<() => void> = [];
    return {
      clock: { now: () => Date.now(), setTimer: (callback: () => void) => timers.push(callback), clearTimer: () => undefined },
      async fire() {
        const next = timers.shift();
        if (next === undefined) throw new Error('no run is planned');
        next();
        // Let the run (real git) finish.
        for (let i = 0; i < 200 && timers.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      },
      get planned() {
        return timers.length;
      },
    };
  }

  it('checks upstream each interval, skips the sync while nothing moved and syncs when it did', async () => {
    const root = await tempDir();
    const upstream = await Upstream.create(root);
    const project = managed('ticking', { gatePath: path.join(root, 'ticking.git'), upstreamUrl: upstream.dir, allowLocalUpstream: true }, { intervalMs: 60_000 });
    const events = new EventBus();
    const seen = recorder(events);
    const service = new SyncService({ registry: ProjectRegistry.of([project]), events, maxConcurrent: 2 });
    const time = manualClock();
    const scheduler = new Scheduler({
      projects: () => [{ name: 'ticking', intervalMs: 60_000 }],
      sync: (name, trigger) => service.sync(name, trigger),
      checkUpstream: (name) => service.checkUpstream(name),
      events, clock: time.clock,
    });
    await scheduler.start();
    const syncs = () => seen.filter((event) => event.type === 'sync.started').map((event) => (event.data as { trigger: string }).trigger);
    expect(syncs()).toEqual(['startup']);
    const reflogBefore = await git(project.config.gate.path, 'reflog', 'show', '--format=%H', 'refs/gate/upstream/main');

    await time.fire();
    expect(syncs()).toEqual(['startup']);
    expect(scheduler.status('ticking')?.lastCheck).toMatchObject({ changed: false });
    // Nothing was fetched or written: the snapshot's reflog did not grow.
    expect(await git(project.config.gate.path, 'reflog', 'show', '--format=%H', 'refs/gate/upstream/main')).toBe(reflogBefore);

    const moved = await upstream.commit('main', 'upstream moved');
    await time.fire();
    expect(syncs()).toEqual(['startup', 'schedule']);
    expect(scheduler.status('ticking')?.lastCheck).toMatchObject({ changed: true });
    expect((await headsOf(project.config.gate.path)).get('main')).toBe(moved);
    expect(time.planned).toBe(1);
    scheduler.stop();
    await project.gate.close();
  });

  it('parks a project whose upstream refuses the credentials, and plans nothing more for it', async () => {
    const root = await tempDir();
    const project = httpsProject('refused', root, lockedServer.port);
    const events = new EventBus();
    const service = new SyncService({ registry: ProjectRegistry.of([project]), events, maxConcurrent: 1 });
    const time = manualClock();
    const scheduler = new Scheduler({
      projects: () => [{ name: 'refused', intervalMs: 1000 }],
      sync: (name, trigger) => service.sync(name, trigger),
      checkUpstream: (name) => service.checkUpstream(name),
      events, clock: time.clock,
    });
    await scheduler.start();
    expect(scheduler.status('refused')).toMatchObject({ state: 'parked', parkedBy: 'GATE_UPSTREAM_AUTH_FAILED', nextRunAt: null });
    expect(time.planned).toBe(0);
    scheduler.stop();
    await project.gate.close();
  });
});
