// GET /v1/events: the event bus as server-sent events. A client that reconnects with
// Last-Event-ID first gets what it missed from the bus's replay buffer; comments keep idle
// connections (and proxies) alive; a client that stops reading is dropped rather than buffered.
import type { ServerResponse } from 'node:http';
import type { EventBus, GateEvent } from '../events.js';
import { PROJECT_PATTERN } from '../routes.js';
import { AdminHttpError } from './errors.js';
import type { Route } from './router.js';

/** Output a slow client may leave unread before it is disconnected. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** The open event streams, so the daemon can end them on shutdown. */
export class EventStreams {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly bus: EventBus,
    private readonly keepAliveMs: number,
  ) {}

  /** The route serving the stream. */
  route(): Route {
    return {
      method: 'GET', path: '/v1/events', action: 'events.stream',
      handler: async ({ req, res, query }) => {
        const project = query.get('project');
        if (project !== null && !PROJECT_PATTERN.test(project)) throw new AdminHttpError(400, 'GATE_SCOPE_INVALID', `project filter does not match ${PROJECT_PATTERN.source}`);
        const lastId = parseLastEventId(req.headers['last-event-id']);
        this.serve(res, project, lastId);
      },
    };
  }

  /** Ends every open stream. */
  closeAll(): void {
    for (const end of [...this.open]) end();
  }

  private serve(res: ServerResponse, project: string | null, lastId: number | null): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'X-Accel-Buffering': 'no' });
    let unsubscribe: () => void = () => undefined;
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), this.keepAliveMs);
    keepAlive.unref();
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      unsubscribe();
      clearInterval(keepAlive);
      this.open.delete(end);
      res.end();
    };
    const send = (event: GateEvent) => {
      if (ended || (project !== null && event.data.project !== project)) return;
      // JSON.stringify escapes newlines, so one data line always holds the whole event.
      res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify({ ...event.data, time: event.time })}\n\n`);
      if (res.writableLength > MAX_BUFFERED_BYTES) end();
    };
    this.open.add(end);
    res.on('close', end);
    res.write('retry: 2000\n\n');
    // Replay and subscribe in one synchronous step: no event can fall between them.
    if (lastId !== null) {
      const missed = this.bus.since(lastId);
      if (missed.length > 0 && missed[0]!.id > lastId + 1) res.write(': some events were older than the replay buffer and are lost\n\n');
      for (const event of missed) send(event);
    }
    if (ended) return;
    unsubscribe = this.bus.subscribe(send);
  }
}

function parseLastEventId(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : null;
}
