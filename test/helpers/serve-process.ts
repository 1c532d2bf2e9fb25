// `gate serve` as an operator runs it, for end-to-end suites: the built CLI in its own process
// with a bare environment, its listeners read from the one `--json` line it prints, and the admin
// API reached over its unix socket (requests, readiness, the server-sent event stream).
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sseBlockReader } from './sse-parser.js';

const BIN = fileURLToPath(new URL('../../bin/gate.js', import.meta.url));

/** How the daemon process ended. */
export interface DaemonExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `gate serve --json` and what it said it listens on. */
export interface ServeProcess {
  child: ChildProcess;
  /** The git listeners as printed (`host:port`, or `unix:/…`). */
  git: string[];
  /** The admin socket path (from `admin: unix:/…`). */
  adminSocket: string;
  /** The parsed `--json` start-up line. */
  started: Record<string, unknown>;
  stdout(): string;
  stderr(): string;
  exit: Promise<DaemonExit>;
}

/**
 * Starts `node bin/gate.js --home <root> serve --json` with only PATH, HOME and NO_COLOR in its
 * environment, and resolves once it printed its start-up line (or rejects with its output).
 */
export async function startServe(root: string, timeoutMs = 15_000): Promise<ServeProcess> {
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: path.dirname(root), NO_COLOR: '1' };
  const child = spawn('node', [BIN, '--home', root, 'serve', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exit = new Promise<DaemonExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const firstLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gate serve printed no start-up line in ${timeoutMs} ms:\n${out}\n${err}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.slice(0, out.indexOf('\n')));
      }
    });
    void exit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`gate serve exited (${code ?? signal}) before listening:\n${out}\n${err}`));
    });
  });
  const started = JSON.parse(firstLine) as Record<string, unknown>;
  const admin = String(started['admin']);
  if (!admin.startsWith('unix:')) throw new Error(`expected a unix admin socket, got ${admin}`);
  return { child, git: started['git'] as string[], adminSocket: admin.slice('unix:'.length), started, stdout: () => out, stderr: () => err, exit };
}

/** One admin API answer. */
export interface AdminResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request over the admin socket, with `Host: localhost`; a body is sent as JSON. */
export function adminRequest(socketPath: string, method: string, url: string, body?: unknown): Promise<AdminResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { Host: 'localhost' };
  if (payload !== undefined) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) });
  return new Promise((resolve, reject) => {
    const request = http.request({ socketPath, method, path: url, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    request.setTimeout(60_000, () => request.destroy(new Error(`admin ${method} ${url} timed out`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/** Polls `/readyz` until it answers 200; returns the last status seen. */
export async function waitUntilReady(socketPath: string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() < deadline) {
    status = (await adminRequest(socketPath, 'GET', '/readyz')).status;
    if (status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return status;
}

/** One message of the event stream. */
export interface StreamedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** An open `GET /v1/events` subscription. */
export interface EventSubscription {
  status: number;
  contentType: string;
  events: StreamedEvent[];
  /** Resolves when the daemon (or close()) ends the stream. */
  ended: Promise<void>;
  /** Resolves with the first event (seen or to come) matching `match`, or undefined after `timeoutMs`. */
  waitFor(match: (event: StreamedEvent) => boolean, timeoutMs: number): Promise<StreamedEvent | undefined>;
  close(): void;
}

/** Opens the event stream and resolves once its headers arrived (so later events reach it). */
export function subscribeEvents(socketPath: string, url = '/v1/events'): Promise<EventSubscription> {
  return new Promise((resolve, reject) => {
    const request = http.get({ socketPath, path: url, headers: { Host: 'localhost', Accept: 'text/event-stream' } }, (res) => {
      const events: StreamedEvent[] = [];
      const waiters = new Set<() => void>();
      res.setEncoding('utf8');
      res.on('data', sseBlockReader(({ fields }) => {
        if (!fields.has('event')) return; // keep-alive comments
        events.push({ id: fields.get('id') ?? '', type: fields.get('event')!, data: JSON.parse(fields.get('data') ?? '{}') as Record<string, unknown> });
        for (const wake of waiters) wake();
      }));
      res.on('error', () => undefined); // closed by the daemon or by close()
      const ended = new Promise<void>((done) => res.once('close', () => done()));
      resolve({
        status: res.statusCode ?? 0,
        contentType: String(res.headers['content-type'] ?? ''),
        events,
        ended,
        waitFor(match, timeoutMs) {
          return new Promise((done) => {
            const check = () => {
              const found = events.find(match);
              if (found === undefined) return false;
              cleanup();
              done(found);
              return true;
            };
            const timer = setTimeout(() => {
              cleanup();
              done(undefined);
            }, timeoutMs);
            const cleanup = () => {
              clearTimeout(timer);
              waiters.delete(wake);
            };
            const wake = () => void check();
            if (!check()) waiters.add(wake);
          });
        },
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}
