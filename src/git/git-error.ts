import { type ErrorCode, GateError } from '../errors/index.js';
import { sanitize } from '../log/index.js';
import { type GitFailureClass, classifyGitFailure, type GitExit } from './classify.js';

const CODE_BY_CLASS: Readonly<Record<GitFailureClass, ErrorCode>> = {
  auth_failed: 'GATE_UPSTREAM_AUTH_FAILED',
  host_key_mismatch: 'GATE_HOST_KEY_MISMATCH',
  host_key_unknown: 'GATE_HOST_KEY_UNKNOWN',
  remote_not_found: 'GATE_UPSTREAM_NOT_FOUND',
  network_failed: 'GATE_UPSTREAM_UNREACHABLE',
  timeout: 'GATE_GIT_TIMEOUT',
  cancelled: 'GATE_CANCELLED',
  lock_contention: 'GATE_LOCK_CONTENTION',
  disk_full: 'GATE_DISK_FULL',
  corrupt_object: 'GATE_CORRUPT_OBJECT',
  too_large: 'GATE_TOO_LARGE',
  crashed: 'GATE_GIT_CRASHED',
  unknown: 'GATE_GIT_FAILED',
};

/** The stable error code for a failure class. */
export function codeForFailure(failureClass: GitFailureClass): ErrorCode {
  return CODE_BY_CLASS[failureClass];
}

const MAX_STDERR_IN_MESSAGE = 2000;

/**
 * A failed git process: the verb, how it ended, the failure class, and stderr that has been
 * redacted and control-escaped (never the raw bytes).
 */
export class GitCommandError extends GateError {
  override readonly name = 'GitCommandError';
  readonly verb: string;
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly failureClass: GitFailureClass;
  readonly stderr: string;
  readonly timedOut: boolean;

  constructor(verb: string, exit: GitExit, options: { cause?: unknown; failureClass?: GitFailureClass } = {}) {
    const failureClass = options.failureClass ?? classifyGitFailure(exit);
    // ssh ends lines with CRLF; a bare CR (which can overwrite a line on a terminal) stays escaped.
    const stderr = sanitize((exit.stderr ?? '').replace(/\r\n/g, '\n')).trim();
    const how = exit.timedOut ? 'timed out' : exit.cancelled ? 'was cancelled' : exit.signal ? `died by ${exit.signal}` : `exited ${exit.exitCode ?? '?'}`;
    const tail = stderr.length > MAX_STDERR_IN_MESSAGE ? `…${stderr.slice(-MAX_STDERR_IN_MESSAGE)}` : stderr;
    super(codeForFailure(failureClass), `git ${verb} ${how} (${failureClass})${tail ? `: ${tail}` : ''}`, {
      cause: options.cause,
      details: { verb, failureClass, exitCode: exit.exitCode ?? null, signal: exit.signal ?? null },
    });
    this.verb = verb;
    this.exitCode = exit.exitCode;
    this.signal = exit.signal;
    this.failureClass = failureClass;
    this.stderr = stderr;
    this.timedOut = exit.timedOut ?? false;
  }
}
