// The daemon's admin API as one request handler: guards first (Host, Origin, bearer token), then
// the route, then one audit line for every request that could change something. The caller owns
// the server (a 0600 unix socket, or loopback TCP with an admin token) and mounts this on it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../log/index.js';
import type { DaemonState } from '../daemon-state.js';
import type { GateMetrics } from '../metrics.js';
import { errorAnswer } from './errors.js';
import { EventStreams } from './event-stream.js';
import { AdminGuards } from './guards.js';
import { DEFAULT_MAX_BODY_BYTES, readJsonBody, sendJson } from './json-io.js';
import { probeRoutes } from './probe-routes.js';
import { projectActionRoutes } from './project-actions.js';
import { projectReadRoutes } from './project-routes.js';
import { DEFAULT_SYNC_RATE_LIMIT, type RateLimit, RateLimiter } from './rate-limit.js';
import { type AuditFacts, matchRoute, parsePath, type Route } from './router.js';
import { tokenRoutes } from './token-routes.js';
import { knownSecretsOf } from './views.js';

/** What the admin API is built from. */
export interface AdminApiOptions {
  state: DaemonState;
  logger: Logger;
  /** Exact Host header values answered (e.g. "localhost", "127.0.0.1:7070"); anything else gets 421. */
  allowedHosts: readonly string[];
  /** Required as `Authorization: Bearer …` when set (TCP); null/absent on a private unix socket. */
  adminToken?: string | null;
  /** Cap on a request body; default 64 KiB. */
  maxBodyBytes?: number;
  metrics: Pick<GateMetrics, 'text' | 'contentType'>;
  /** Manual syncs per project; default 5 at once, then one every 6 s. */
  syncRateLimit?: RateLimit;
  /** Interval of keep-alive comments on event streams; default 15 s. */
  sseKeepAliveMs?: number;
}

/** The request handler, plus close() to end open event streams on shutdown. */
export interface AdminApi {
  (req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Builds the admin API handler. */
export function createAdminApi(options: AdminApiOptions): AdminApi {
  const { state, logger } = options;
  const guards = new AdminGuards(options.allowedHosts, options.adminToken);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const streams = new EventStreams(state.events, options.sseKeepAliveMs ?? 15_000);
  const routes: Route[] = [
    ...probeRoutes(state, options.metrics),
    ...projectReadRoutes(state),
    ...projectActionRoutes(state, new RateLimiter(options.syncRateLimit ?? DEFAULT_SYNC_RATE_LIMIT)),
    ...tokenRoutes(state),
    streams.route(),
  ];

  const handle = async (req: IncomingMessage, res: ServerResponse, audit: AuditFacts, signal: AbortSignal) => {
    const rawPath = (req.url ?? '').split('?')[0]!;
    guards.check(req, rawPath);
    const path = parsePath(req.url);
    const { route, params } = matchRoute(routes, req.method, path);
    audit.action = route.action;
    audit.project = params.project ?? null;
    await route.handler({ req, res, params, query: path.query, signal, audit, readBody: () => readJsonBody(req, maxBodyBytes) });
  };

  const api = ((req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    const audit: AuditFacts = { action: null, project: null, detail: {} };
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    let failure: { code: string } | null = null;
    if (MUTATING.has(req.method ?? '')) {
      res.on('close', () => {
        logger.info({
          audit: true, who: 'admin', method: req.method, action: audit.action, project: audit.project, ...audit.detail,
          decision: res.statusCode < 400 ? 'allowed' : 'refused', status: res.statusCode, code: failure?.code ?? null, durationMs: Date.now() - started,
        }, 'admin request');
      });
    }
    handle(req, res, audit, controller.signal).catch((error: unknown) => {
      const answer = errorAnswer(error, knownSecretsOf(state.projects()));
      failure = answer.body.error;
      if (answer.status >= 500) logger.error({ err: error, action: audit.action, project: audit.project }, 'admin request failed');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // A refused body is drained, not buffered, so the answer reaches the client before the close.
      if (answer.status === 413) req.resume();
      sendJson(res, answer.status, answer.body, answer.headers);
    });
  }) as AdminApi;
  api.close = async () => streams.closeAll();
  return api;
}
