// The `serve:` section of config.yaml made concrete: defaults applied, every address parsed, and
// the binding rules enforced here so a bad address is refused with its file:line before the
// daemon binds anything (THREATS.md: bind to loopback or unix sockets unless explicitly allowed;
// the admin API only on a unix socket, or loopback TCP with a token).
import path from 'node:path';
import { GateError } from '../errors/index.js';
import { locatedProblem } from './config-error.js';
import { durationMs } from './duration.js';
import { isLoopback, type ListenAddress, parseListenAddress } from './listen-address.js';
import type { StatePaths } from './paths.js';
import type { RawGlobal } from './schema.js';
import type { ServeConfig } from './types.js';
import type { YamlSource } from './yaml-source.js';

/** The git endpoint's address when none is configured (documented in docs/config.md). */
export const DEFAULT_GIT_LISTEN = '127.0.0.1:7419';
/** Built-in daemon limits. */
export const SERVE_DEFAULTS = Object.freeze({ maxConcurrentSyncs: 2, maxConnections: 64, maxPushBytes: 4 * 1024 ** 3, maintenanceIntervalMs: 24 * 60 * 60_000 });

/** The admin socket under a state root: `<root>/run/admin.sock`. */
export function defaultAdminSocket(paths: StatePaths): string {
  return path.join(paths.root, 'run', 'admin.sock');
}

/** Validates and normalises `serve:`; `source` is null when there is no config file. */
export function serveConfig(paths: StatePaths, source: YamlSource | null, raw: NonNullable<RawGlobal['serve']>): ServeConfig {
  const invalid = (keyPath: PropertyKey[], text: string) => new GateError('GATE_CONFIG_INVALID', source === null ? text : locatedProblem(source, keyPath, text), {
    details: { ...(source ? { file: source.file } : {}), key: keyPath.join('.') },
  });
  const parse = (text: string, keyPath: PropertyKey[]): ListenAddress => {
    const parsed = parseListenAddress(text);
    if (typeof parsed === 'string') throw invalid(keyPath, parsed);
    return parsed;
  };
  const allowNonLoopback = raw.allow_non_loopback ?? false;
  const gitListen = (raw.git_listen ?? [DEFAULT_GIT_LISTEN]).map((text, index) => {
    const address = parse(text, ['serve', 'git_listen', index]);
    if (!isLoopback(address) && !allowNonLoopback) {
      throw invalid(['serve', 'git_listen', index], `${text} is not a loopback address: anything that can reach it could try tokens against the gates. Use 127.0.0.1, [::1] or a unix socket, or set serve.allow_non_loopback: true if a firewall protects it`);
    }
    return address;
  });
  const seen = new Set<string>();
  for (const [index, text] of (raw.git_listen ?? []).entries()) {
    if (seen.has(text)) throw invalid(['serve', 'git_listen', index], `${text} is listed twice`);
    seen.add(text);
  }
  const adminListen = raw.admin_listen === undefined ? { kind: 'unix' as const, path: defaultAdminSocket(paths) } : parse(raw.admin_listen, ['serve', 'admin_listen']);
  if (adminListen.kind === 'tcp') {
    // allow_non_loopback never applies here: containers must never reach the admin API.
    if (!isLoopback(adminListen)) throw invalid(['serve', 'admin_listen'], 'the admin API listens only on a unix socket or a loopback address (127.0.0.1, [::1]); allow_non_loopback does not apply to it');
    if (raw.admin_token_file === undefined) throw invalid(['serve', 'admin_listen'], 'a TCP admin listener needs serve.admin_token_file (a 0600 file holding the admin token); or use the default unix socket');
  }
  if (raw.admin_token_file !== undefined && !path.isAbsolute(raw.admin_token_file)) throw invalid(['serve', 'admin_token_file'], 'must be an absolute path');
  const adminText = raw.admin_listen ?? '';
  if (gitListen.some((address) => sameAddress(address, adminListen))) throw invalid(['serve', 'admin_listen'], `${adminText || 'the admin address'} is also a git listener; the two must differ`);
  return {
    gitListen,
    allowNonLoopback,
    adminListen,
    adminTokenFile: raw.admin_token_file ?? null,
    allowedHosts: raw.allowed_hosts ?? null,
    maxConcurrentSyncs: raw.max_concurrent_syncs ?? SERVE_DEFAULTS.maxConcurrentSyncs,
    maxConnections: raw.max_connections ?? SERVE_DEFAULTS.maxConnections,
    maxPushBytes: raw.max_push_bytes ?? SERVE_DEFAULTS.maxPushBytes,
    maintenanceIntervalMs: raw.maintenance_interval === undefined ? SERVE_DEFAULTS.maintenanceIntervalMs : raw.maintenance_interval === 'off' ? null : durationMs(raw.maintenance_interval),
  };
}

function sameAddress(a: ListenAddress, b: ListenAddress): boolean {
  if (a.kind === 'unix' || b.kind === 'unix') return a.kind === b.kind && a.kind === 'unix' && b.kind === 'unix' && a.path === b.path;
  return a.host === b.host && a.port === b.port && a.port !== 0;
}
