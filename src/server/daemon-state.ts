// What the daemon's parts see of each other. The daemon (src/server/daemon.ts) owns one
// DaemonState; the admin API reads and drives it, the scheduler triggers syncs through it. Only
// this interface crosses between them, so each part is testable with a small fake or the real one.
import type { ProjectConfig } from '../config/index.js';
import type { GateSyncResult, GitGate } from '../gate/index.js';
import type { EventBus } from './events.js';
import type { ScheduleStatus } from './scheduler.js';
import type { TokenStore } from './tokens.js';

/** What started a sync. */
export type SyncTrigger = 'schedule' | 'api' | 'startup';

/** One project the daemon serves: its config and its long-lived GitGate (one SSH agent per scope). */
export interface ManagedProject {
  readonly name: string;
  readonly config: ProjectConfig;
  readonly gate: GitGate;
}

/** The outcome of the last finished sync of a project, as the daemon remembers it. */
export interface SyncSummary {
  finishedAt: string;
  trigger: SyncTrigger;
  success: boolean;
  errorCode: string | null;
  failureClass: string | null;
  durationMs: number;
  applied: number;
  pending: number;
  gateOnly: number;
  cacheVersion: string | null;
}

/** The daemon as its parts use it. */
export interface DaemonState {
  projects(): readonly ManagedProject[];
  project(name: string): ManagedProject | null;
  /**
   * Syncs a project: coalesced per gate (at most one running and one queued; a caller gets the
   * result of a sync that started after its call), within the global limit on concurrent upstream
   * syncs; publishes sync.started / sync.finished / pending events and records the summary.
   */
  sync(name: string, trigger: SyncTrigger, signal?: AbortSignal): Promise<GateSyncResult>;
  lastSync(name: string): SyncSummary | null;
  /** Ready once every configured gate has had one sync attempt (remoteless gates count at once). */
  readiness(): { ready: boolean; waiting: string[] };
  /** Where a project stands in the scheduler (next run, failures in a row, parked by which code); absent without a scheduler. */
  schedule?(name: string): ScheduleStatus | null;
  readonly tokens: TokenStore;
  readonly events: EventBus;
}
