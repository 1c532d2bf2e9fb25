import { realpathSync } from 'node:fs';
import path from 'node:path';
import { GateError } from '../errors/index.js';
import { escapeControl, redactSecrets } from '../log/index.js';

/** A validated upstream. `scheme` is what GIT_ALLOW_PROTOCOL must allow to reach it. */
export interface UpstreamUrl {
  readonly url: string;
  readonly kind: 'https' | 'ssh' | 'local';
  readonly scheme: 'https' | 'ssh' | 'file';
  /** Host for network upstreams (lowercased), absent for local ones. */
  readonly host?: string;
  /** Absolute path for local upstreams. */
  readonly localPath?: string;
}

/** What the caller permits beyond the remote grammar. */
export interface UpstreamUrlPolicy {
  /** Local paths and file:// URLs; off unless an operator enables them. */
  allowLocal?: boolean;
  /** The state root: a local upstream may never point inside it (other gates, keys). */
  stateRoot?: string;
}

// Allow-list grammar. Host: DNS name, IPv4, or bracketed IPv6; never a leading "-" (that is how
// `ssh -oProxyCommand=…` injection starts). Paths: printable, no whitespace, no leading "-".
const HOST = String.raw`(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])`;
const USER = String.raw`[a-zA-Z0-9_][a-zA-Z0-9._-]{0,63}`;
const PATH_CHARS = String.raw`[A-Za-z0-9._~!$&'()*+,;=:@/-]`;
const HTTPS_RE = new RegExp(String.raw`^https://(${HOST})(?::([0-9]{1,5}))?(/${PATH_CHARS}*)$`);
const SSH_RE = new RegExp(String.raw`^ssh://(?:(${USER})@)?(${HOST})(?::([0-9]{1,5}))?(/${PATH_CHARS}+)$`);
const SCP_RE = new RegExp(String.raw`^(?:(${USER})@)?(${HOST}):((?!-)${PATH_CHARS}+)$`);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x20\x7f-\x9f]/;

function invalid(url: string, why: string): GateError {
  return new GateError('GATE_UPSTREAM_URL_INVALID', `upstream URL ${escapeControl(JSON.stringify(redactForMessage(url)))} is not allowed: ${why}`);
}

// The message may echo the URL: drop any userinfo (scheme:// or scp-like) and known secrets first.
function redactForMessage(url: string): string {
  return redactSecrets(url).replace(/^[^/@:]*:[^/]*@/, '***@').slice(0, 200);
}

function checkPort(url: string, port: string | undefined): void {
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw invalid(url, `port ${port} is out of range`);
}

/**
 * Validates an upstream URL against the allow-list grammar (https, ssh://, scp-like; local paths
 * and file:// only when the policy allows them, and never inside the state root).
 */
export function parseUpstreamUrl(url: string, policy: UpstreamUrlPolicy = {}): UpstreamUrl {
  if (typeof url !== 'string' || url.length === 0) throw invalid(String(url), 'it is empty');
  if (url.length > 2048) throw invalid(url, 'it is longer than 2048 characters');
  if (CONTROL.test(url)) throw invalid(url, 'it contains whitespace or control characters');
  if (url.startsWith('-')) throw invalid(url, 'it starts with "-", which git would read as an option');
  if (/^[a-z0-9+.-]+::/i.test(url)) throw invalid(url, 'transport helpers ("<helper>::") run programs');

  if (url.startsWith('https://')) {
    const match = HTTPS_RE.exec(url);
    if (!match) {
      if (/^https:\/\/[^/]*@/.test(url)) throw invalid(url, 'credentials in the URL are refused; use a token (`gate token set-upstream`)');
      throw invalid(url, 'expected https://host[:port]/path');
    }
    checkPort(url, match[2]);
    return { url, kind: 'https', scheme: 'https', host: match[1]!.toLowerCase() };
  }
  if (url.startsWith('ssh://')) {
    const match = SSH_RE.exec(url);
    if (!match) {
      if (/^ssh:\/\/[^/@]*:[^/@]*@/.test(url)) throw invalid(url, 'a password in the URL is refused');
      throw invalid(url, 'expected ssh://[user@]host[:port]/path');
    }
    checkPort(url, match[3]);
    return { url, kind: 'ssh', scheme: 'ssh', host: match[2]!.toLowerCase() };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith('file://')) {
    throw invalid(url, `scheme ${url.slice(0, url.indexOf(':'))} is not allowed (https, ssh or scp-like only)`);
  }
  // git reads "host:path" as scp-like only when no "/" comes before the first ":".
  const colon = url.indexOf(':');
  const slash = url.indexOf('/');
  if (!url.startsWith('file://') && colon > 0 && (slash === -1 || colon < slash)) {
    // "user:password@host:path" would hand "user" to ssh as the host and the password to argv.
    if (/^[^/@:]*:[^/]*@/.test(url)) throw invalid(url, 'a password in the URL is refused');
    const match = SCP_RE.exec(url);
    if (!match) throw invalid(url, 'expected user@host:path');
    return { url, kind: 'ssh', scheme: 'ssh', host: match[2]!.toLowerCase() };
  }
  return parseLocal(url, policy);
}

function parseLocal(url: string, policy: UpstreamUrlPolicy): UpstreamUrl {
  if (!policy.allowLocal) {
    throw new GateError('GATE_UPSTREAM_LOCAL_NOT_ALLOWED', `upstream ${escapeControl(JSON.stringify(url.slice(0, 200)))} is a local path, and local upstreams are not enabled`);
  }
  let localPath = url;
  if (url.startsWith('file://')) {
    localPath = url.slice('file://'.length);
    if (!localPath.startsWith('/')) throw invalid(url, 'file:// URLs must name an absolute path (file:///path)');
    if (localPath.includes('%')) throw invalid(url, '%-escapes are refused in file:// URLs');
  }
  if (!path.isAbsolute(localPath)) throw invalid(url, 'local upstreams must be absolute paths');
  const resolved = realpathOrResolved(localPath);
  if (policy.stateRoot !== undefined) {
    const root = realpathOrResolved(policy.stateRoot);
    if (resolved === root || resolved.startsWith(root + path.sep)) {
      throw new GateError('GATE_UPSTREAM_INSIDE_STATE', `upstream ${resolved} is inside the state directory ${root}`);
    }
  }
  return { url: resolved, kind: 'local', scheme: 'file', localPath: resolved };
}

// A symlink must not smuggle a path into the state root: resolve the longest existing ancestor
// for real and append the rest (which may be created later, behind the symlink).
function realpathOrResolved(p: string): string {
  const resolved = path.resolve(p);
  const rest: string[] = [];
  for (let current = resolved; ; current = path.dirname(current)) {
    try {
      return path.join(realpathSync(current), ...rest.reverse());
    } catch {
      if (path.dirname(current) === current) return resolved;
      rest.push(path.basename(current));
    }
  }
}

/** True when git would reach the URL over SSH (ssh:// or scp-like). */
export function isSshUrl(url: string): boolean {
  try {
    return parseUpstreamUrl(url).kind === 'ssh';
  } catch {
    return false;
  }
}
