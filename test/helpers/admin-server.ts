// The admin API on a real server for tests: a unix socket in a temp dir or loopback TCP on port
// 0, and a small client that sends exactly the headers a test gives (plus Host).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createAdminApi, hardenAdminServer, type AdminApi, type AdminApiOptions } from '../../src/server/admin/index.js';
import { tempDir } from './git-fixture.js';
import { sseBlockReader } from './sse-parser.js';

/** One answer as the client saw it. */
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** A JSON body (sent with Content-Type: application/json unless headers say otherwise). */
  body?: unknown;
  /** A raw body, sent as given. */
  raw?: string | Buffer;
}

export interface AdminServer {
  api: AdminApi;
  server: http.Server;
  /** The Host value the server is configured to accept. */
  host: string;
  request(method: string, target: string, options?: RequestOptions): Promise<Reply>;
  /** The connection options for a hand-made request (SSE, chunked uploads). */
  connect: { socketPath: string } | { host: string; port: number };
  close(): Promise<void>;
}

/** Serves the admin API on a unix socket (default) or loopback TCP port 0. */
export async function startAdminServer(options: Omit<AdminApiOptions, 'allowedHosts'> & { allowedHosts?: string[] }, transport: 'unix' | 'tcp' = 'unix'): Promise<AdminServer> {
  const socketPath = transport === 'unix' ? path.join(await tempDir('gate-admin-'), 'admin.sock') : null;
  // Listen first: on TCP the accepted Host names the port, known only once listening.
  const server = hardenAdminServer(http.createServer());
  await new Promise<void>((resolve) => (socketPath !== null ? server.listen(socketPath, resolve) : server.listen(0, '127.0.0.1', resolve)));
  const port = socketPath === null ? (server.address() as AddressInfo).port : 0;
  const actualHost = socketPath !== null ? 'localhost' : `127.0.0.1:${port}`;
  const api = createAdminApi({ ...options, allowedHosts: options.allowedHosts ?? [actualHost] });
  server.on('request', api);
  const connect = socketPath !== null ? { socketPath } : { host: '127.0.0.1', port };
  const request = (method: string, target: string, req: RequestOptions = {}): Promise<Reply> => new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: actualHost, ...req.headers };
    let payload: string | Buffer | undefined = req.raw;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['content-type'] ??= 'application/json';
    }
    if (payload !== undefined) headers['content-length'] ??= String(Buffer.byteLength(payload));
    const outgoing = http.request({ ...connect, method, path: target, headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = undefined;
        try {
          json = JSON.parse(text);
        } catch {
          // Not JSON (metrics): the test reads .text.
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
  return {
    api, server, host: actualHost, request, connect,
    async close() {
      await api.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One server-sent event as received. */
export interface ReceivedEvent {
  id: number;
  type: string;
  data: Record<string, unknown>;
}

/** An open GET /v1/events stream. */
export interface EventStreamClient {
  events: ReceivedEvent[];
  /** Comments (keep-alives) received. */
  comments: string[];
  waitFor(predicate: (events: ReceivedEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** Opens the event stream (optionally resuming after `lastEventId`, or filtered by project). */
export function openEventStream(admin: AdminServer, options: { lastEventId?: number; query?: string } = {}): Promise<EventStreamClient> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: admin.host, ...(options.lastEventId !== undefined ? { 'last-event-id': String(options.lastEventId) } : {}) };
    const req = http.request({ ...admin.connect, method: 'GET', path: `/v1/events${options.query ?? ''}`, headers, setHost: false }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`event stream answered ${res.statusCode}`));
        return;
      }
      const client: EventStreamClient = {
        events: [], comments: [],
        async waitFor(predicate, timeoutMs = 20_000) {
          const deadline = Date.now() + timeoutMs;
          while (!predicate(client.events)) {
            if (Date.now() > deadline) throw new Error(`timed out waiting for events; got ${JSON.stringify(client.events.map((e) => e.type))}`);
            await new Promise((r) => setTimeout(r, 10));
          }
        },
        close: () => req.destroy(),
      };
      res.setEncoding('utf8');
      res.on('data', sseBlockReader(({ fields, comments }) => {
        client.comments.push(...comments);
        if (fields.has('event')) client.events.push({ id: Number(fields.get('id')), type: fields.get('event')!, data: JSON.parse(fields.get('data')!) as Record<string, unknown> });
      }));
      res.on('error', () => undefined);
      resolve(client);
    });
    req.on('error', reject);
    req.end();
  });
}
