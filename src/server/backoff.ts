// What the scheduler does after a failed sync, by failure class. Pure: a sync result's error code
// and git failure class in, a decision out, so every branch is unit-tested without waiting.

/** How a failure is handled. */
export type FailureKind =
  /** Credentials or host keys: retrying cannot help until an operator acts. */
  | 'operator'
  /** The network or the upstream host: likely to heal by itself; retry with growing delay. */
  | 'network'
  /** Anything else (lock contention, disk, corrupt objects …): moderate backoff. */
  | 'other';

const OPERATOR_CODES = new Set([
  'GATE_UPSTREAM_AUTH_FAILED', 'GATE_HOST_KEY_UNKNOWN', 'GATE_HOST_KEY_MISMATCH', 'GATE_AUTH_NOT_CONFIGURED',
  'GATE_VAULT_LOCKED', 'GATE_VAULT_PASSPHRASE_WRONG',
]);
const OPERATOR_CLASSES = new Set(['auth_failed', 'host_key_mismatch', 'host_key_unknown']);
const NETWORK_CODES = new Set(['GATE_UPSTREAM_UNREACHABLE', 'GATE_GIT_TIMEOUT']);
const NETWORK_CLASSES = new Set(['network_failed', 'timeout']);

/** The kind of a failure from its error code and (when git failed) its failure class. */
export function failureKindOf(code: string | null, failureClass: string | null): FailureKind {
  if ((code !== null && OPERATOR_CODES.has(code)) || (failureClass !== null && OPERATOR_CLASSES.has(failureClass))) return 'operator';
  if ((code !== null && NETWORK_CODES.has(code)) || (failureClass !== null && NETWORK_CLASSES.has(failureClass))) return 'network';
  return 'other';
}

/** Growth of the retry delay per kind (operator failures are never retried on a timer). */
export interface BackoffPolicy {
  network: { firstMs: number; maxMs: number };
  other: { firstMs: number; maxMs: number };
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  network: { firstMs: 15_000, maxMs: 15 * 60_000 },
  other: { firstMs: 60_000, maxMs: 60 * 60_000 },
};

/** What to do after a failure. */
export type RetryDecision = { park: true } | { park: false; delayMs: number };

/**
 * The retry after the `failures`-th failure in a row (1 = the first): doubling from `firstMs`,
 * capped at `maxMs`; operator failures park the project instead. Jitter is applied by the caller.
 */
export function retryAfter(kind: FailureKind, failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF): RetryDecision {
  if (kind === 'operator') return { park: true };
  const { firstMs, maxMs } = policy[kind];
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  return { park: false, delayMs: Math.min(firstMs * 2 ** exponent, maxMs) };
}
