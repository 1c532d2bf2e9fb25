import { type ErrorCode, fixFor } from './codes.js';

/** Extra, non-secret facts about an error, for --json output and logs. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | null>>;

/**
 * The one error type git-gate throws for things a user can act on. `message` says what was wrong;
 * `fix` says how to solve it (from the code registry unless the thrower knows better).
 * Messages must already be free of secrets: they are printed and logged as they are.
 */
export class GateError extends Error {
  override readonly name: string = 'GateError';
  readonly code: ErrorCode;
  readonly fix: string;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; fix?: string; details?: ErrorDetails } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fix = options.fix ?? fixFor(code);
    this.details = options.details ?? {};
  }

  /** The shape written by --json output and the admin API. */
  toJSON(): { code: ErrorCode; message: string; fix: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, fix: this.fix, details: this.details };
  }
}

/** True for a GateError of the given code (or any code when none is given). */
export function isGateError(value: unknown, code?: ErrorCode): value is GateError {
  return value instanceof GateError && (code === undefined || value.code === code);
}
