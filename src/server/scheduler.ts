// The daemon's main loop, per project: a startup sync, then every `sync.interval` (±10% jitter) a
// cheap upstream check and a sync only when upstream moved. Failures back off by class: network
// failures retry with growing delay, others moderately, and auth or host-key failures park the
// project until an operator acts (a successful sync through the API, or `resume`). The global
// limit on concurrent upstream work is the sync service's; the scheduler only decides when.
import { isGateError } from '../errors/index.js';
import { type Logger, silentLogger } from '../log/index.js';
import { type BackoffPolicy, DEFAULT_BACKOFF, failureKindOf, retryAfter } from './backoff.js';
import { type Clock, systemClock } from './clock.js';
import type { SyncTrigger } from './daemon-state.js';
import type { EventBus } from './events.js';
import { withJitter } from './jitter.js';

/** What the scheduler needs to know of a project. */
export interface ScheduledProject {
  name: string;
  /** null = no periodic sync (the startup sync and API syncs only). */
  intervalMs: number | null;
}

/** What a sync told the scheduler. */
export interface SyncOutcome {
  success: boolean;
  errors: ReadonlyArray<{ code: string; failureClass?: string }>;
}

export interface SchedulerOptions {
  projects(): readonly ScheduledProject[];
  sync(name: string, trigger: SyncTrigger): Promise<SyncOutcome>;
  /** The cheap check: has upstream moved since the gate's snapshot? */
  checkUpstream(name: string): Promise<{ changed: boolean; reason: string }>;
  /** Successful syncs seen here (from any trigger) un-park a parked project. */
  events?: EventBus;
  clock?: Clock;
  random?: () => number;
  backoff?: BackoffPolicy;
  logger?: Logger;
}

/** Where one project stands in the schedule. */
export interface ScheduleStatus {
  state: 'idle' | 'running' | 'waiting' | 'parked';
  /** When the next run is due (ms since the epoch), null when none is planned. */
  nextRunAt: number | null;
  /** Failures in a row. */
  failures: number;
  /** The error code that parked the project, until an operator acts. */
  parkedBy: string | null;
  lastCheck: { at: number; changed: boolean; reason: string } | null;
}

interface Entry extends ScheduleStatus {
  readonly name: string;
  timer: unknown;
  intervalMs: number | null;
}

/** Drives the syncs of every project over time. */
export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: Logger;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = (options.logger ?? silentLogger()).child({ component: 'scheduler' });
  }

  /** Starts a startup sync of every project; resolves when each has had its attempt. */
  start(): Promise<void> {
    this.unsubscribe = this.options.events?.subscribe((event) => {
      if (event.type === 'sync.finished') this.onSyncFinished(event.data as { project: string; trigger: SyncTrigger; success: boolean; errorCode: string | null; failureClass: string | null });
    });
    const runs = this.options.projects().map((project) => {
      this.entries.set(project.name, { name: project.name, state: 'idle', nextRunAt: null, failures: 0, parkedBy: null, lastCheck: null, timer: undefined, intervalMs: project.intervalMs });
      return this.cycle(project.name, 'startup');
    });
    return Promise.all(runs).then(() => undefined);
  }

  /** Clears every timer; runs in flight finish (the sync service decides how long they may take). */
  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const entry of this.entries.values()) {
      if (entry.timer !== undefined) this.clock.clearTimer(entry.timer);
      entry.timer = undefined;
      entry.nextRunAt = null;
    }
  }

  /** Un-parks a project and runs it now (an operator fixed credentials, or the config was reloaded). */
  resume(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (entry === undefined || this.stopped || entry.state === 'running') return Promise.resolve();
    this.cancelTimer(entry);
    entry.parkedBy = null;
    entry.failures = 0;
    return this.cycle(name, 'schedule');
  }

  status(name: string): ScheduleStatus | null {
    const entry = this.entries.get(name);
    if (entry === undefined) return null;
    const { timer: _timer, intervalMs: _interval, name: _name, ...status } = entry;
    return { ...status, lastCheck: status.lastCheck === null ? null : { ...status.lastCheck } };
  }

  private async cycle(name: string, trigger: 'startup' | 'schedule'): Promise<void> {
    const entry = this.entries.get(name)!;
    entry.timer = undefined;
    entry.nextRunAt = null;
    entry.state = 'running';
    try {
      // After a clean run, a scheduled cycle first asks whether there is anything to fetch; after
      // a failure the sync itself is the retry.
      if (trigger === 'schedule' && entry.failures === 0) {
        const check = await this.options.checkUpstream(name);
        entry.lastCheck = { at: this.clock.now(), changed: check.changed, reason: check.reason };
        if (!check.changed) {
          this.logger.debug({ project: name, reason: check.reason }, 'upstream unchanged; sync skipped');
          this.settle(entry, { success: true, errors: [] });
          return;
        }
      }
      this.settle(entry, await this.options.sync(name, trigger));
    } catch (error) {
      if (this.stopped) return;
      const code = isGateError(error) ? error.code : 'GATE_GIT_FAILED';
      const failureClass = (error as { failureClass?: string }).failureClass;
      this.settle(entry, { success: false, errors: [{ code, ...(failureClass ? { failureClass } : {}) }] });
    } finally {
      if (entry.state === 'running') entry.state = 'idle';
    }
  }

  private settle(entry: Entry, outcome: SyncOutcome): void {
    const { name } = entry;
    if (outcome.success) {
      entry.failures = 0;
      entry.parkedBy = null;
      if (entry.intervalMs !== null) this.plan(entry, entry.intervalMs);
      else entry.state = 'idle';
      return;
    }
    entry.failures += 1;
    const first = outcome.errors[0];
    const kind = failureKindOf(first?.code ?? null, first?.failureClass ?? null);
    const decision = retryAfter(kind, entry.failures, this.options.backoff ?? DEFAULT_BACKOFF);
    if (decision.park) {
      entry.parkedBy = first?.code ?? 'GATE_GIT_FAILED';
      entry.state = 'parked';
      this.logger.warn({ project: name, code: entry.parkedBy }, 'sync parked until an operator acts (fix the credentials or host key, then sync through the API)');
      return;
    }
    // A project without an interval is synced only on request: its failures are not retried on a timer.
    if (entry.intervalMs === null) {
      entry.state = 'idle';
      return;
    }
    this.logger.info({ project: name, kind, failures: entry.failures, retryInMs: decision.delayMs }, 'sync failed; retrying later');
    this.plan(entry, decision.delayMs);
  }

  private plan(entry: Entry, ms: number): void {
    if (this.stopped) return;
    const delay = withJitter(ms, this.random);
    const { name } = entry;
    entry.state = 'waiting';
    entry.nextRunAt = this.clock.now() + delay;
    entry.timer = this.clock.setTimer(() => void this.cycle(name, 'schedule'), delay);
  }

  private cancelTimer(entry: Entry): void {
    if (entry.timer !== undefined) this.clock.clearTimer(entry.timer);
    entry.timer = undefined;
    entry.nextRunAt = null;
  }

  // A parked project comes back on a successful sync; an API sync that now fails for another
  // reason (the operator fixed the key, the network is down) puts it back on the backoff path.
  private onSyncFinished(data: { project: string; trigger: SyncTrigger; success: boolean; errorCode: string | null; failureClass: string | null }): void {
    const entry = this.entries.get(data.project);
    if (entry === undefined || entry.state !== 'parked' || this.stopped) return;
    if (data.success) {
      entry.parkedBy = null;
      entry.failures = 0;
      entry.state = 'idle';
      if (entry.intervalMs !== null) this.plan(entry, entry.intervalMs);
      this.logger.info({ project: data.project }, 'sync un-parked after a successful sync');
    } else if (data.trigger === 'api' && failureKindOf(data.errorCode, data.failureClass) !== 'operator') {
      entry.parkedBy = null;
      entry.state = 'idle';
      this.settle(entry, { success: false, errors: [{ code: data.errorCode ?? 'GATE_GIT_FAILED', ...(data.failureClass ? { failureClass: data.failureClass } : {}) }] });
    }
  }

}
