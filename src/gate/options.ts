import { GateError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { PassphraseSource } from '../ssh/index.js';
import type { Transport } from './upstream-fetch.js';

/** Facts the gate-path validator gets about a gate that already exists. */
export interface ExistingGate {
  scope: string | null;
  upstream: string | null;
}

/** Options for a GitGate; plain values only. */
export interface GitGateOptions {
  /** The unit the gate belongs to, usually the project name: ^[a-z0-9][a-z0-9._-]{0,62}$. */
  scope: string;
  /** The bare mirror's directory (created on first sync). */
  gatePath: string;
  /** Upstream URL; absent makes a remoteless gate. */
  upstreamUrl?: string;
  /** Default branch for a remoteless gate, and HEAD's fallback when upstream does not say. */
  defaultBranch?: string;
  /** Use the operator's own SSH agent and ~/.ssh config instead of the scope's deploy key. */
  usePersonalSsh?: boolean;
  /** Permit a local path or file:// upstream (read, never written). */
  allowLocalUpstream?: boolean;
  /** The state root; a local upstream may never point inside it. */
  stateRoot?: string;
  /** Runs first in every sync; throw a GateError to refuse. The default refuses a gate path
   *  already used by another scope with a different upstream. */
  validateGate?: (scope: string, existing: ExistingGate | null) => void | Promise<void>;
  /** Directory under which `<scope>` holds the clone cache; absent = no cache. */
  cloneCacheBase?: string;
  cache?: { graceMs?: number; maxCheckoutBytes?: number };
  backups?: { enabled?: boolean; retentionDays?: number };
  logger?: Logger;
  /** Refuse upstreams with more branches + tags than this (default 50,000). */
  maxRefs?: number;
  /** How long to wait for another process's sync of the same gate (default 10 minutes). */
  lockWaitMs?: number;
  /** Time limit for each network git call (default 10 minutes). */
  networkTimeoutMs?: number;
  /**
   * Where the scope's credentials live: its SSH deploy key (and agent) and HTTPS token in
   * `vaultDir`, its pinned host keys in `knownHostsFile` (plus `hostKeys` pins from config).
   * Absent: SSH upstreams need `usePersonalSsh`, HTTPS upstreams are reached without a token.
   */
  credentials?: GateCredentials;
  /** How git reaches upstream, replacing `credentials` entirely (advanced). */
  transport?: () => Promise<Transport>;
}

/** A scope's credential store, as the `gate` command lays it out under the state root. */
export interface GateCredentials {
  /** `<stateRoot>/vault/<scope>`: the deploy key (`id`, `id.pub`) and HTTPS token. */
  vaultDir: string;
  /** `<stateRoot>/known_hosts/<scope>`: pinned host keys. */
  knownHostsFile: string;
  /** Pins from the project (`ssh.host_keys`): OpenSSH key lines or `SHA256:` fingerprints. */
  hostKeys?: readonly string[];
  /** Where the vault passphrase comes from when keys are stored encrypted. */
  passphrase?: PassphraseSource;
}

export const SCOPE_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** Throws GATE_SCOPE_INVALID unless the name is a valid scope. */
export function assertScope(scope: string): string {
  if (typeof scope !== 'string' || !SCOPE_PATTERN.test(scope)) {
    throw new GateError('GATE_SCOPE_INVALID', `scope ${JSON.stringify(String(scope).slice(0, 100))} is not a valid name`);
  }
  return scope;
}

/** The default gate-path check: one path, one upstream (scopes may share a gate only then). */
export function defaultValidateGate(scope: string, upstream: string | null, existing: ExistingGate | null): void {
  if (existing === null || existing.scope === null || existing.scope === scope) return;
  if (existing.upstream !== upstream) {
    throw new GateError('GATE_PATH_CONFLICT', `gate path is used by scope ${existing.scope} with a different upstream; scope ${scope} cannot share it`);
  }
}
