// Routes as data, and the one place a request URL is taken apart: the raw path is split on "/"
// and each segment decoded exactly once, so "%2e%2e" or "%2f" never turns into a traversal
// (the WHATWG URL parser would resolve "%2e%2e" itself, which is why it is not used here).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROJECT_PATTERN } from '../routes.js';
import { AdminHttpError } from './errors.js';

/** Facts about one request the audit line reports; routes fill in what they learn. */
export interface AuditFacts {
  action: string | null;
  project: string | null;
  detail: Record<string, unknown>;
}

/** What a route handler gets. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: { project?: string; token?: string };
  query: URLSearchParams;
  /** Aborts when the client goes away before the answer is sent. */
  signal: AbortSignal;
  readBody(): Promise<Record<string, unknown>>;
  audit: AuditFacts;
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** One endpoint: method, path template (`{project}` and `{token}` are parameters), handler. */
export interface Route {
  method: HttpMethod;
  path: string;
  action: string;
  handler(ctx: RouteContext): Promise<void>;
}

/** A request path split into decoded segments, plus its query. */
export interface ParsedPath {
  pathname: string;
  segments: string[];
  query: URLSearchParams;
}

const TOKEN_ID_PATTERN = /^tok_[A-Za-z0-9_-]{12}$/;

/** Splits and decodes a raw request target; refuses traversal and encoded separators (400). */
export function parsePath(rawUrl: string | undefined): ParsedPath {
  const url = rawUrl ?? '';
  const mark = url.indexOf('?');
  const pathname = mark === -1 ? url : url.slice(0, mark);
  const query = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1));
  if (!pathname.startsWith('/')) throw new AdminHttpError(404, 'GATE_ADMIN_NOT_FOUND', 'no such endpoint');
  const segments = pathname.slice(1).split('/').map((raw) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      throw new AdminHttpError(400, 'GATE_INVALID_ARGUMENT', 'the request path is not valid percent-encoding');
    }
    if (decoded === '.' || decoded === '..' || /[/\\\0]/.test(decoded)) {
      throw new AdminHttpError(400, 'GATE_INVALID_ARGUMENT', 'path segments may not be ".", ".." or contain (encoded) slashes');
    }
    return decoded;
  });
  return { pathname, segments, query };
}

/** The route for a method and path, or the 404/405 refusal (405 carries the Allow header). */
export function matchRoute(routes: readonly Route[], method: string | undefined, path: ParsedPath): { route: Route; params: RouteContext['params'] } {
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchTemplate(route.path, path.segments);
    if (params === null) continue;
    if (route.method === method) return { route, params: validated(params) };
    allowed.push(route.method);
  }
  if (allowed.length > 0) {
    throw new AdminHttpError(405, 'GATE_ADMIN_METHOD_NOT_ALLOWED', `use ${allowed.join(' or ')} for this endpoint`, { Allow: allowed.join(', ') });
  }
  throw new AdminHttpError(404, 'GATE_ADMIN_NOT_FOUND', 'no such endpoint');
}

function matchTemplate(template: string, segments: readonly string[]): Record<string, string> | null {
  const parts = template.slice(1).split('/');
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index]!;
    if (part.startsWith('{')) params[part.slice(1, -1)] = segment;
    else if (part !== segment) return null;
  }
  return params;
}

// Names are checked only once the shape matched, so an odd name on an unknown path is a 404.
function validated(params: Record<string, string>): RouteContext['params'] {
  const out: RouteContext['params'] = {};
  if (params['project'] !== undefined) {
    if (!PROJECT_PATTERN.test(params['project'])) {
      throw new AdminHttpError(400, 'GATE_SCOPE_INVALID', `project name ${JSON.stringify(params['project'].slice(0, 80))} does not match ${PROJECT_PATTERN.source}`);
    }
    out.project = params['project'];
  }
  if (params['token'] !== undefined) {
    if (!TOKEN_ID_PATTERN.test(params['token'])) throw new AdminHttpError(400, 'GATE_INVALID_ARGUMENT', 'a token id looks like tok_ followed by 12 characters');
    out.token = params['token'];
  }
  return out;
}
