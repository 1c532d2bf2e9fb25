// The daemon's event vocabulary and the bus that carries it. The git endpoint, the sync service
// and the scheduler publish; the admin API's `GET /v1/events` (server-sent events), the metrics
// and the audit log subscribe. Payloads are already sanitised: ids, names, shas and codes only,
// never a token, a host path, an upstream URL or raw git stderr.

/** Every event type and its payload. */
export interface GateEvents {
  /** A push was accepted and applied (one event per updated ref). */
  push: { project: string; ref: string; oldSha: string; newSha: string; operation: string; task: string; tokenId: string };
  /** A push (or one ref of it) was refused by the policy or by the endpoint. */
  denied: { project: string; ref: string | null; rule: string; task: string; tokenId: string; reason: string };
  /** A clone or fetch was served. */
  fetch: { project: string; task: string; tokenId: string; bytes: number };
  'sync.started': { project: string; trigger: 'schedule' | 'api' | 'startup' };
  'sync.finished': { project: string; trigger: 'schedule' | 'api' | 'startup'; success: boolean; errorCode: string | null; failureClass: string | null; durationMs: number; applied: number; pending: number; gateOnly: number };
  /** A sync left destructive changes waiting for an operator. */
  pending: { project: string; branches: string[] };
  /** The daemon's periodic maintenance of a gate ran (see SyncService: after a successful sync, when due). */
  'maintenance.finished': { project: string; success: boolean; errorCode: string | null; durationMs: number; steps: Array<{ step: string; durationMs: number }> };
  /** A branch is behind upstream after a staleness check. */
  stale: { project: string; branch: string; commitsBehind: number | null; commitsAhead: number | null };
}

export type GateEventType = keyof GateEvents;

/** One published event, numbered so an SSE client can resume with Last-Event-ID. */
export interface GateEvent<K extends GateEventType = GateEventType> {
  id: number;
  type: K;
  time: string;
  data: GateEvents[K];
}

type Listener = (event: GateEvent) => void;

/** A small synchronous bus with a bounded replay buffer. A throwing listener never hurts the publisher. */
export class EventBus {
  private readonly listeners = new Set<Listener>();
  private readonly recent: GateEvent[] = [];
  private nextId = 1;

  constructor(private readonly replaySize = 256) {}

  publish<K extends GateEventType>(type: K, data: GateEvents[K]): GateEvent<K> {
    const event: GateEvent<K> = { id: this.nextId++, type, time: new Date().toISOString(), data };
    this.recent.push(event);
    if (this.recent.length > this.replaySize) this.recent.shift();
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A subscriber's failure is its own; the publisher (a push, a sync) goes on.
      }
    }
    return event;
  }

  /** Calls `listener` for every later event; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events still in the replay buffer with an id above `afterId`. */
  since(afterId: number): GateEvent[] {
    return this.recent.filter((event) => event.id > afterId);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }
}
