// The admin API's doors (THREATS.md, "The daemon's HTTP surfaces"): an exact Host allow-list
// against DNS rebinding, no Origin at all against cross-site requests, and, on TCP, a bearer
// token compared in constant time. Plus the server timeouts that keep slow clients from holding
// sockets.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { AdminHttpError } from './errors.js';

/** Paths a probe may read without the admin token (they reveal only liveness and readiness). */
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The checks every admin request passes before routing. */
export class AdminGuards {
  private readonly hosts: ReadonlySet<string>;
  private readonly tokenDigest: Buffer | null;

  constructor(allowedHosts: readonly string[], adminToken: string | null | undefined) {
    if (allowedHosts.length === 0) throw new Error('git-gate bug: the admin API needs at least one allowed Host');
    this.hosts = new Set(allowedHosts.map((host) => host.toLowerCase()));
    this.tokenDigest = adminToken === undefined || adminToken === null || adminToken === '' ? null : digest(adminToken);
  }

  /** Throws the refusal for a request that must not reach a route. */
  check(req: IncomingMessage, pathname: string): void {
    const host = req.headers.host;
    if (host === undefined || !this.hosts.has(host.toLowerCase())) {
      throw new AdminHttpError(421, 'GATE_ADMIN_HOST_REFUSED', 'this Host is not one the admin API answers to');
    }
    // Any Origin, even "null" or our own: programs do not send one, browsers always do on the
    // requests that could change state.
    if (req.headers.origin !== undefined) {
      throw new AdminHttpError(403, 'GATE_ADMIN_ORIGIN_REFUSED', 'requests with an Origin header are refused');
    }
    if (this.tokenDigest !== null && !PROBE_PATHS.has(pathname) && !this.bearerMatches(req.headers.authorization)) {
      throw new AdminHttpError(401, 'GATE_ADMIN_UNAUTHORIZED', 'a valid admin bearer token is required', { 'WWW-Authenticate': 'Bearer realm="git-gate admin"' });
    }
  }

  // Both sides are hashed first, so the comparison is constant-time whatever the lengths.
  private bearerMatches(header: string | undefined): boolean {
    const match = header === undefined ? null : /^Bearer +(\S{1,1024})\s*$/i.exec(header);
    if (!match) return false;
    return timingSafeEqual(digest(match[1]!), this.tokenDigest!);
  }
}

/** Timeouts and limits for a server carrying the admin API (event streams stay open: they send keep-alives). */
export function hardenAdminServer(server: Server): Server {
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 64;
  server.maxRequestsPerSocket = 1_000;
  return server;
}
