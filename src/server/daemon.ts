// `gate serve` as a library call: loads every project, opens one long-lived GitGate each, binds
// the git endpoint and the admin API, starts the scheduler, and stops all of it gracefully.
import { createServer } from 'node:http';
import { ensureStateDirs, type GlobalConfig, type StatePaths } from '../config/index.js';
import { type Logger, silentLogger } from '../log/index.js';
import { type AdminListener, startAdminListener } from './admin-listener.js';
import type { BackoffPolicy } from './backoff.js';
import type { Clock } from './clock.js';
import type { DaemonState } from './daemon-state.js';
import { EventBus } from './events.js';
import { createGitEndpoint, type GitEndpoint, hardenGitServer } from './git-endpoint.js';
import { bindListener, type BoundListener, closeListener, removeSocketFile } from './listeners.js';
import { createMetrics, type GateMetrics } from './metrics.js';
import { pushPolicyFromConfig } from './policy.js';
import { ProjectRegistry, type SkippedProject } from './project-registry.js';
import { Scheduler } from './scheduler.js';
import { SyncService } from './sync-service.js';
import { TokenStore } from './tokens.js';

export interface DaemonOptions {
  paths: StatePaths;
  global: GlobalConfig;
  logger?: Logger;
  /** How long stop() lets git requests and syncs finish before cancelling them (default 30 s). */
  graceMs?: number;
  /** Scheduler overrides (tests). */
  clock?: Clock;
  random?: () => number;
  backoff?: BackoffPolicy;
}

/** A running daemon. */
export interface Daemon {
  readonly state: DaemonState;
  readonly scheduler: Scheduler;
  /** Bound addresses as printed (`127.0.0.1:7419`, `unix:/…`). */
  readonly gitListeners: readonly string[];
  readonly adminListener: string;
  /** Projects whose files did not load (not served). */
  readonly skipped: readonly SkippedProject[];
  /** Resolves when every project has had its startup sync attempt. */
  readonly startup: Promise<void>;
  /** Graceful shutdown; idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_GRACE_MS = 30_000;

/** Starts the daemon. Binding errors (address in use, bad token file) throw a GateError with nothing left running. */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  // Everything the daemon creates (sockets, records, gates, keys) is private to its user.
  process.umask(0o077);
  const { paths, global } = options;
  const serve = global.serve;
  const logger = (options.logger ?? silentLogger()).child({ component: 'daemon' });
  ensureStateDirs(paths);
  const registry = await ProjectRegistry.load(paths, global, options.logger ?? silentLogger());
  const events = new EventBus();
  const tokens = new TokenStore(paths.root);
  const syncs = new SyncService({ registry, events, maxConcurrent: serve.maxConcurrentSyncs, maintenanceIntervalMs: serve.maintenanceIntervalMs, paths, logger: options.logger ?? silentLogger() });
  // Built now, started once everything listens.
  const scheduler = new Scheduler({
    projects: () => registry.projects().map((p) => ({ name: p.name, intervalMs: p.config.upstream === null ? null : p.config.sync.intervalMs })),
    sync: (name, trigger) => syncs.sync(name, trigger),
    checkUpstream: (name) => syncs.checkUpstream(name),
    events, logger: options.logger ?? silentLogger(),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  const state: DaemonState = {
    projects: () => registry.projects(),
    project: (name) => registry.project(name),
    sync: (name, trigger, signal) => syncs.sync(name, trigger, signal),
    lastSync: (name) => syncs.lastSync(name),
    readiness: () => syncs.readiness(),
    schedule: (name) => scheduler.status(name),
    tokens,
    events,
  };

  const limits = { maxConcurrent: serve.maxConnections, maxPushBytes: serve.maxPushBytes };
  const opened: { endpoint?: GitEndpoint; git: BoundListener[]; admin?: AdminListener; metrics?: GateMetrics } = { git: [] };
  const teardown = async () => {
    opened.metrics?.close();
    await opened.admin?.api.close();
    await Promise.all([...opened.git, ...(opened.admin ? [opened.admin.listener] : [])].map((l) => closeListener(l)));
    await opened.endpoint?.close();
    await registry.close();
    await removeSocketFile(serve.adminListen);
  };
  try {
    opened.endpoint = await createGitEndpoint({
      resolveGate: (name) => {
        const project = registry.project(name);
        if (project === null) return null;
        return {
          gatePath: project.config.gate.path, mode: project.config.mode,
          // policy.max_push_bytes travels in the policy; the endpoint falls back to limits.maxPushBytes.
          policy: pushPolicyFromConfig(project.config.policy),
        };
      },
      tokens, events, limits, logger: options.logger ?? silentLogger(),
    });
    for (const address of serve.gitListen) {
      const server = createServer(opened.endpoint);
      hardenGitServer(server, limits);
      server.maxConnections = serve.maxConnections;
      opened.git.push(await bindListener(server, address));
    }
    opened.metrics = createMetrics(events, state);
    opened.admin = await startAdminListener(serve, state, opened.metrics, options.logger ?? silentLogger());
  } catch (error) {
    await teardown();
    throw error;
  }

  const startup = scheduler.start();
  logger.info({ git: opened.git.map((l) => l.display), admin: opened.admin.listener.display, projects: registry.projects().length, skipped: registry.skipped.length }, 'daemon listening');

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
      logger.info({ graceMs }, 'daemon stopping');
      scheduler.stop();
      // Stop accepting first; then let running git requests and syncs finish within the grace
      // period; whatever is still running after it is cancelled (process groups killed, locks released).
      const gitDone = Promise.all(opened.git.map((l) => closeListener(l)));
      const adminDone = opened.admin!.api.close().then(() => closeListener(opened.admin!.listener));
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const [requests] = await Promise.all([
        Promise.race([gitDone.then(() => 'done' as const), graceOver]),
        syncs.stop(graceMs),
      ]);
      clearTimeout(timer);
      if (requests === 'timeout') {
        logger.warn('git requests still running after the grace period; cancelling them');
        for (const listener of opened.git) listener.server.closeAllConnections();
      }
      await opened.endpoint!.close();
      for (const listener of [...opened.git, opened.admin!.listener]) listener.server.closeAllConnections();
      await Promise.all([gitDone, adminDone]);
      opened.metrics!.close();
      await registry.close();
      await removeSocketFile(serve.adminListen);
      logger.info('daemon stopped');
    })();
    return stopping;
  };

  return {
    state, scheduler, startup, stop, skipped: registry.skipped,
    gitListeners: opened.git.map((l) => l.display),
    adminListener: opened.admin.listener.display,
  };
}
