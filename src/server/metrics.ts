// Prometheus metrics for the daemon, fed by the event bus and, at scrape time, by the daemon
// state. A private Registry (never prom-client's global one) so two daemons in one process, or
// a library user's own metrics, never collide.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DaemonState } from './daemon-state.js';
import type { EventBus, GateEvent } from './events.js';

/** What /metrics serves, plus the unsubscribe for shutdown. */
export interface GateMetrics {
  readonly registry: Registry;
  /** The content type of `text()` (Prometheus text format). */
  readonly contentType: string;
  /** Every metric in the Prometheus text format. */
  text(): Promise<string>;
  /** Stops listening to the bus. */
  close(): void;
}

/** Builds the metrics and subscribes them to `bus`; `state` adds the scrape-time gauges. */
export function createMetrics(bus: EventBus, state?: Pick<DaemonState, 'projects' | 'lastSync'>): GateMetrics {
  const registry = new Registry();
  const registers = [registry];
  const syncs = new Counter({ name: 'gate_syncs_total', help: 'Finished syncs by project, trigger, outcome and failure class.', labelNames: ['project', 'trigger', 'outcome', 'failure_class'], registers });
  const syncDuration = new Histogram({ name: 'gate_sync_duration_seconds', help: 'Duration of finished syncs.', labelNames: ['project'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], registers });
  const pushes = new Counter({ name: 'gate_pushes_total', help: 'Ref updates accepted from containers, by operation.', labelNames: ['project', 'operation'], registers });
  const denials = new Counter({ name: 'gate_push_denials_total', help: 'Pushes (or refs of a push) refused, by rule.', labelNames: ['project', 'rule'], registers });
  const fetches = new Counter({ name: 'gate_fetches_total', help: 'Clones and fetches served to containers.', labelNames: ['project'], registers });
  const bytes = new Counter({ name: 'gate_served_bytes_total', help: 'Bytes of pack data served to containers.', labelNames: ['project'], registers });
  const pending = new Gauge({ name: 'gate_pending_branches', help: 'Branches with a pending destructive change after the last sync.', labelNames: ['project'], registers });
  const behind = new Gauge({ name: 'gate_branch_commits_behind', help: 'Commits a gate branch is behind upstream, from the last staleness check.', labelNames: ['project', 'branch'], registers });
  const ahead = new Gauge({ name: 'gate_branch_commits_ahead', help: 'Commits a gate branch is ahead of upstream, from the last staleness check.', labelNames: ['project', 'branch'], registers });

  if (state !== undefined) {
    new Gauge({
      name: 'gate_cache_age_seconds', help: 'Seconds since the last successful sync that left a clone cache version.', labelNames: ['project'], registers,
      collect() {
        this.reset();
        for (const { name } of state.projects()) {
          const last = state.lastSync(name);
          if (last?.success && last.cacheVersion !== null) this.set({ project: name }, Math.max(0, (Date.now() - Date.parse(last.finishedAt)) / 1000));
        }
      },
    });
    new Gauge({
      name: 'gate_last_sync_success', help: '1 when the last sync of the project succeeded, 0 when it failed (absent before the first).', labelNames: ['project'], registers,
      collect() {
        this.reset();
        for (const { name } of state.projects()) {
          const last = state.lastSync(name);
          if (last !== null) this.set({ project: name }, last.success ? 1 : 0);
        }
      },
    });
  }

  const onEvent = (event: GateEvent) => {
    switch (event.type) {
      case 'sync.finished': {
        const data = event.data as GateEvent<'sync.finished'>['data'];
        syncs.inc({ project: data.project, trigger: data.trigger, outcome: data.success ? 'success' : 'failure', failure_class: data.failureClass ?? (data.success ? 'none' : 'unknown') });
        syncDuration.observe({ project: data.project }, data.durationMs / 1000);
        pending.set({ project: data.project }, data.pending);
        break;
      }
      case 'push': {
        const data = event.data as GateEvent<'push'>['data'];
        pushes.inc({ project: data.project, operation: data.operation });
        break;
      }
      case 'denied': {
        const data = event.data as GateEvent<'denied'>['data'];
        denials.inc({ project: data.project, rule: data.rule });
        break;
      }
      case 'fetch': {
        const data = event.data as GateEvent<'fetch'>['data'];
        fetches.inc({ project: data.project });
        bytes.inc({ project: data.project }, data.bytes);
        break;
      }
      case 'stale': {
        const data = event.data as GateEvent<'stale'>['data'];
        if (data.commitsBehind !== null) behind.set({ project: data.project, branch: data.branch }, data.commitsBehind);
        if (data.commitsAhead !== null) ahead.set({ project: data.project, branch: data.branch }, data.commitsAhead);
        break;
      }
      default:
        break;
    }
  };
  const unsubscribe = bus.subscribe(onEvent);
  return { registry, contentType: registry.contentType, text: () => registry.metrics(), close: unsubscribe };
}
