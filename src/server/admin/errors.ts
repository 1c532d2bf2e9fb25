// How the admin API turns a failure into an answer: an HTTP status, a stable code from the
// registry, and a message fit for a caller who must never learn host paths, upstream URLs,
// tokens or raw git stderr.
import { ERROR_CODES, type ErrorCode, fixFor, isGateError } from '../../errors/index.js';
import { sanitize } from '../../log/index.js';

/** A refusal the admin API answers with its own status (421, 403, 415, …). */
export class AdminHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  GATE_INVALID_ARGUMENT: 400, GATE_SCOPE_INVALID: 400, GATE_REF_INVALID: 400, GATE_TOKEN_CAPABILITY_REFUSED: 400,
  GATE_PROJECT_NOT_FOUND: 404, GATE_TOKEN_NOT_FOUND: 404, GATE_BRANCH_NOT_FOUND: 404, GATE_BACKUP_NOT_FOUND: 404,
  GATE_PENDING_STALE: 409, GATE_LOCK_CONTENTION: 409, GATE_NO_UPSTREAM: 409, GATE_NOT_A_GATE: 409,
  GATE_TOO_LARGE: 413, GATE_TOO_MANY_REFS: 413,
  GATE_LOCK_TIMEOUT: 503, GATE_CLOSED: 503, GATE_CANCELLED: 503,
  GATE_UPSTREAM_UNREACHABLE: 502, GATE_UPSTREAM_NOT_FOUND: 502, GATE_UPSTREAM_AUTH_FAILED: 502, GATE_UPSTREAM_UNRELATED: 502,
  GATE_HOST_KEY_UNKNOWN: 502, GATE_HOST_KEY_MISMATCH: 502, GATE_AUTH_NOT_CONFIGURED: 502, GATE_GIT_TIMEOUT: 504,
};

/** The JSON error body every failure is answered with. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; fix: string };
}

// Applied after sanitize(): URLs (any scheme), scp-like upstreams and absolute paths go, whatever
// git or a lower layer put into a message. Ref names (refs/heads/x) survive: their "/" follows a
// word character.
const URL_LIKE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>`]+/gi;
const SCP_LIKE = /\b[\w.+-]+@[\w.-]+:[^\s'"<>`]+/g;
const ABSOLUTE_PATH = /(?<![\w.~-])(?:~|\.{1,2})?\/[^\s'"<>`,;)]+/g;

/** Makes text safe for an API caller: redacted, control bytes escaped, no URL, no path. */
export function publicText(text: string, known: readonly string[] = []): string {
  let out = text;
  // Exact known values first (gate paths, upstream URLs), longest first, then the patterns.
  for (const value of [...known].filter((v) => v.length > 1).sort((a, b) => b.length - a.length)) out = out.split(value).join('<hidden>');
  return sanitize(out).replace(URL_LIKE, '<url>').replace(SCP_LIKE, '<url>').replace(ABSOLUTE_PATH, '<path>');
}

// Codes whose messages carry git's own stderr: the caller gets the registry's summary instead.
const STDERR_CODES: ReadonlySet<string> = new Set(['GATE_GIT_FAILED', 'GATE_GIT_CRASHED', 'GATE_CORRUPT_OBJECT']);

// A GitCommandError's message: "git <verb> <how> (<class>)" then ": " and git's stderr.
const GIT_FAILURE = /^(git [\w-]+ (?:exited -?\w+|timed out|was cancelled|died by \w+) \([\w_]+\))(?::[\s\S]*)?$/;

/**
 * The message an API caller may see for an error of this code: for a git failure, what failed
 * and how, never git's stderr; otherwise the first line, cleaned.
 */
export function publicMessage(code: ErrorCode, message: string, known: readonly string[] = []): string {
  const git = GIT_FAILURE.exec(message);
  if (git) return `${ERROR_CODES[code].summary} (${git[1]})`;
  if (STDERR_CODES.has(code)) return ERROR_CODES[code].summary;
  return publicText(message.split('\n')[0]!, known);
}

/** Status and body for any thrown value; unknown errors say nothing of their content. */
export function errorAnswer(error: unknown, known: readonly string[] = []): { status: number; headers: Readonly<Record<string, string>>; body: ErrorBody } {
  if (error instanceof AdminHttpError) {
    return { status: error.status, headers: error.headers, body: { error: { code: error.code, message: publicText(error.message, known), fix: fixFor(error.code) } } };
  }
  if (isGateError(error)) {
    // A registry fix is fixed text written for users; a custom one may name a path and is cleaned.
    const fix = error.fix === fixFor(error.code) ? error.fix : publicText(error.fix, known);
    return { status: STATUS_BY_CODE[error.code] ?? 500, headers: {}, body: { error: { code: error.code, message: publicMessage(error.code, error.message, known), fix } } };
  }
  return { status: 500, headers: {}, body: { error: { code: 'GATE_INTERNAL', message: 'internal error; the daemon log has the details', fix: fixFor('GATE_INTERNAL') } } };
}
