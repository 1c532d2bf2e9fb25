import type { ListenAddress } from './listen-address.js';
import type { LOG_LEVELS, POLICY_ACTIONS, PROJECT_MODES } from './schema.js';

export type ProjectMode = (typeof PROJECT_MODES)[number];
export type PolicyAction = (typeof POLICY_ACTIONS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A validated project file in camelCase. `null` means "not set in this file": those settings
 * fall back to the global config (see `effectiveSettings`).
 */
export interface ProjectConfig {
  readonly name: string;
  /** The file it was read from. */
  readonly file: string;
  readonly mode: ProjectMode;
  /** null for a remoteless project. `url` is validated (a local upstream is its real path). */
  readonly upstream: {
    readonly url: string;
    readonly defaultBranch: string | null;
    readonly allowLocal: boolean;
  } | null;
  readonly ssh: { readonly usePersonal: boolean | null; readonly hostKeys: readonly string[] };
  /** `path` is the resolved absolute gate path (the default under the state root when unset). */
  readonly gate: {
    readonly path: string;
    readonly backups: { readonly enabled: boolean | null; readonly retentionDays: number | null };
  };
  readonly cache: { readonly enabled: boolean | null };
  /** `branches` empty = every branch. */
  readonly sync: { readonly intervalMs: number | null; readonly branches: readonly string[] };
  readonly policy: {
    readonly namespace: string;
    readonly rules: ReadonlyArray<{ readonly ref: string; readonly allow: readonly PolicyAction[] }>;
    readonly maxPushBytes: number | null;
  };
}

/** The validated global config with built-in defaults applied. */
export interface GlobalConfig {
  /** The file it was read from, or null when there is none (all defaults). */
  readonly file: string | null;
  readonly ssh: { readonly usePersonal: boolean };
  readonly vault: { readonly passphraseCommand: string | null; readonly passphraseFile: string | null };
  readonly defaults: {
    readonly backups: { readonly enabled: boolean; readonly retentionDays: number };
    readonly cache: { readonly enabled: boolean };
  };
  /** null = the library's default (10 minutes). */
  readonly git: { readonly networkTimeoutMs: number | null };
  /** null = the command's default (quiet unless --verbose). */
  readonly log: { readonly level: LogLevel | null };
  /** `gate serve`: where the daemon listens and its limits (defaults applied). */
  readonly serve: ServeConfig;
}

/** The daemon's settings (`serve:` in config.yaml), validated: every address is loopback unless allowed. */
export interface ServeConfig {
  /** The container-facing git endpoint; default 127.0.0.1:7419. */
  readonly gitListen: readonly ListenAddress[];
  readonly allowNonLoopback: boolean;
  /** The admin API; default unix:<state root>/run/admin.sock. */
  readonly adminListen: ListenAddress;
  /** Required for a TCP admin listener; the file must be 0600. */
  readonly adminTokenFile: string | null;
  /** Host header values the admin API accepts besides localhost and the bound addresses; null = none. */
  readonly allowedHosts: readonly string[] | null;
  readonly maxConcurrentSyncs: number;
  readonly maxConnections: number;
  readonly maxPushBytes: number;
  /** How often the daemon maintains each gate (after a successful sync, when due); null = never. */
  readonly maintenanceIntervalMs: number | null;
}
