// DaemonState.sync: per-project coalescing (at most one sync running and one queued per gate), a
// global limit on concurrent upstream syncs, events, the remembered summary (also written as the
// sync record `gate status` reads) and readiness. Shutdown lets running syncs finish up to a
// grace period, then cancels them through their AbortSignal.
import { type StatePaths, writeSyncRecord } from '../config/index.js';
import { GateError } from '../errors/index.js';
import { Coalescer } from '../gate/coalesce.js';
import type { GateSyncResult } from '../gate/index.js';
import type { UpstreamCheck } from '../gate/upstream-check.js';
import { type Logger, silentLogger } from '../log/index.js';
import type { ManagedProject, SyncSummary, SyncTrigger } from './daemon-state.js';
import type { EventBus } from './events.js';
import { Semaphore } from './semaphore.js';

/** Where the service finds the projects it syncs. */
export interface ProjectLookup {
  projects(): readonly ManagedProject[];
  project(name: string): ManagedProject | null;
}

export interface SyncServiceOptions {
  registry: ProjectLookup;
  events: EventBus;
  /** Upstream syncs (and upstream checks) running at once across all projects. */
  maxConcurrent: number;
  /** Where `state/<name>.json` is written after each sync; absent = not written. */
  paths?: StatePaths;
  logger?: Logger;
  /** Measure staleness after each successful sync (against the snapshot it just took: no second upstream round trip) and publish `stale` events (default true). */
  checkStaleness?: boolean;
  /**
   * Run GitGate.maintain() on a gate after a successful sync when it was last maintained this
   * long ago (or never, by this daemon); null = never. Gates run with gc.auto=0, so without it
   * every push and fetch would leave a pack and every sync loose refs, for ever.
   */
  maintenanceIntervalMs?: number | null;
}

/** The sync half of DaemonState. */
export class SyncService {
  private readonly coalescer = new Coalescer<GateSyncResult>();
  private readonly limit: Semaphore;
  private readonly summaries = new Map<string, SyncSummary>();
  private readonly attempted = new Set<string>();
  private readonly maintainedAt = new Map<string, number>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly shutdown = new AbortController();
  private readonly logger: Logger;
  private stopping = false;

  constructor(private readonly options: SyncServiceOptions) {
    this.limit = new Semaphore(options.maxConcurrent);
    this.logger = (options.logger ?? silentLogger()).child({ component: 'sync' });
  }

  /** Syncs a project, coalesced and within the global limit (see DaemonState.sync). */
  sync(name: string, trigger: SyncTrigger, signal?: AbortSignal): Promise<GateSyncResult> {
    const project = this.options.registry.project(name);
    if (project === null) return Promise.reject(new GateError('GATE_PROJECT_NOT_FOUND', `no project named ${name} is served by this daemon`, { fix: 'List the served projects with GET /v1/projects; add a project file and restart the daemon to serve it.' }));
    if (this.stopping) return Promise.reject(shuttingDown());
    return this.coalescer.run(name, (runSignal) => this.track(this.runOne(project, trigger, runSignal)), signal);
  }

  /** The scheduler's cheap check (one upstream listing), under the same global limit as syncs. */
  checkUpstream(name: string, signal?: AbortSignal): Promise<UpstreamCheck> {
    const project = this.options.registry.project(name);
    if (project === null) return Promise.reject(new GateError('GATE_PROJECT_NOT_FOUND', `no project named ${name}`));
    if (this.stopping) return Promise.reject(shuttingDown());
    const combined = signal === undefined ? this.shutdown.signal : AbortSignal.any([signal, this.shutdown.signal]);
    return this.track(this.limit.run(() => project.gate.upstreamChanged({ branches: project.config.sync.branches, signal: combined }), combined));
  }

  lastSync(name: string): SyncSummary | null {
    return this.summaries.get(name) ?? null;
  }

  /** Ready once every gate with an upstream has had one sync attempt (remoteless gates count at once). */
  readiness(): { ready: boolean; waiting: string[] } {
    const waiting = this.options.registry.projects()
      .filter((p) => p.config.upstream !== null && !this.attempted.has(p.name))
      .map((p) => p.name);
    return { ready: waiting.length === 0, waiting };
  }

  /** Upstream syncs running now (holding a slot of the global limit). */
  get running(): number {
    return this.limit.active;
  }

  /**
   * Refuses new syncs, waits up to `graceMs` for running ones, then cancels them (git's process
   * groups are killed, gate locks released) and waits for them to settle.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const settled = () => Promise.allSettled([...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const outcome = await Promise.race([settled().then(() => 'done' as const), graceOver]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.logger.warn({ running: this.inFlight.size }, 'cancelling syncs still running after the grace period');
      this.shutdown.abort();
      await settled();
    }
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const forget = () => this.inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  private async runOne(project: ManagedProject, trigger: SyncTrigger, runSignal: AbortSignal): Promise<GateSyncResult> {
    // A queued run whose turn comes after stop() began is not started (stop() does not wait for it).
    if (this.stopping) throw shuttingDown();
    const signal = AbortSignal.any([runSignal, this.shutdown.signal]);
    return this.limit.run(async () => {
      const { name } = project;
      const events = this.options.events;
      events.publish('sync.started', { project: name, trigger });
      let result: GateSyncResult;
      try {
        result = await project.gate.sync({ branches: project.config.sync.branches, signal });
      } finally {
        this.attempted.add(name);
      }
      const first = result.errors[0];
      const summary: SyncSummary = {
        finishedAt: new Date().toISOString(), trigger, success: result.success,
        errorCode: first?.code ?? null, failureClass: first?.failureClass ?? null, durationMs: result.durationMs,
        applied: result.applied.length, pending: result.pending.length, gateOnly: result.gateOnlyBranches.length,
        cacheVersion: result.cache.version === null ? null : String(result.cache.version),
      };
      this.summaries.set(name, summary);
      const { finishedAt: _finishedAt, cacheVersion: _cacheVersion, ...finished } = summary;
      events.publish('sync.finished', { project: name, ...finished });
      if (result.pending.length > 0) events.publish('pending', { project: name, branches: result.pending.map((op) => op.branch) });
      this.logger.info({ project: name, trigger, success: result.success, errorCode: summary.errorCode, applied: summary.applied, pending: summary.pending, durationMs: summary.durationMs }, 'sync finished');
      await this.record(name, result, summary);
      if (result.success && project.config.upstream !== null && this.options.checkStaleness !== false && !signal.aborted) await this.publishStaleness(project, signal);
      if (result.success && this.maintenanceDue(name)) this.startMaintenance(project);
      return result;
    }, signal);
  }

  private maintenanceDue(name: string): boolean {
    const interval = this.options.maintenanceIntervalMs ?? null;
    if (interval === null || this.stopping) return false;
    const last = this.maintainedAt.get(name);
    return last === undefined || Date.now() - last >= interval;
  }

  // After the sync's answer, not before it: whoever asked for the sync does not wait for the
  // maintenance. It runs under the same global limit and the gate lock (a sync that comes
  // meanwhile waits for it); stop() waits for it, then cancels it like a sync.
  private startMaintenance(project: ManagedProject): void {
    const { name } = project;
    this.maintainedAt.set(name, Date.now());
    const started = Date.now();
    const signal = this.shutdown.signal;
    const run = this.limit.run(async () => {
      try {
        const report = await project.gate.maintain({ signal });
        this.options.events.publish('maintenance.finished', { project: name, success: true, errorCode: null, durationMs: Date.now() - started, steps: report.steps });
        this.logger.info({ project: name, steps: report.steps }, 'gate maintained');
      } catch (error) {
        const errorCode = error instanceof GateError ? error.code : 'GATE_GIT_FAILED';
        this.options.events.publish('maintenance.finished', { project: name, success: false, errorCode, durationMs: Date.now() - started, steps: [] });
        this.logger.warn({ err: error, project: name }, 'gate maintenance failed');
      }
    }, signal).catch(() => undefined);
    void this.track(run);
  }

  // The same record the CLI writes, so `gate status` shows daemon syncs too.
  private async record(name: string, result: GateSyncResult, summary: SyncSummary): Promise<void> {
    if (this.options.paths === undefined) return;
    try {
      await writeSyncRecord(this.options.paths, {
        schemaVersion: 1, project: name, finishedAt: summary.finishedAt, outcome: result.success ? 'success' : 'failure',
        errorCode: summary.errorCode, durationMs: result.durationMs,
        counts: { applied: result.applied.length, pending: result.pending.length, gateOnly: result.gateOnlyBranches.length, tagsCreated: result.tags.created.length },
        cacheVersion: result.cache.version,
      });
    } catch (error) {
      this.logger.warn({ err: error, project: name }, 'could not write the sync record');
    }
  }

  private async publishStaleness(project: ManagedProject, signal: AbortSignal): Promise<void> {
    try {
      for (const branch of await project.gate.staleness({ signal, fromLastSync: true })) {
        if (!branch.isStale) continue;
        this.options.events.publish('stale', { project: project.name, branch: branch.branch, commitsBehind: branch.commitsBehind, commitsAhead: branch.commitsAhead });
      }
    } catch (error) {
      this.logger.warn({ err: error, project: project.name }, 'staleness check after sync failed');
    }
  }
}

function shuttingDown(): GateError {
  return new GateError('GATE_CANCELLED', 'the daemon is shutting down; no new syncs are started', { fix: 'Run the sync again once the daemon is back.' });
}
