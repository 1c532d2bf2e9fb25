// Enrolment of an upstream's host keys (the library side of `gate trust-host`): scan the keys
// in-process, show their fingerprints, and write pins. Scanning never authenticates: the
// connection is dropped at host-key verification.
import path from 'node:path';
import ssh2 from 'ssh2';
import { GateError } from '../errors/index.js';
import { fingerprintOf } from './key-material.js';
import { type HostKey, keysForPattern, knownHostsLine, knownHostsPattern, withoutPattern } from './known-hosts.js';
import { ensurePrivateDir, readPrivateFile, writePrivateFile } from './private-files.js';
import { WireReader } from './wire.js';

/** A scanned host key with its known_hosts line. */
export interface ScannedHostKey extends HostKey {
  line: string;
}

// One connection per algorithm, as ssh-keyscan does: a server shows one key per handshake.
const ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512'] as const;

function captureKey(host: string, port: number, algorithm: string, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const client = new ssh2.Client();
    let captured: Buffer | undefined;
    const done = () => {
      client.removeAllListeners();
      client.on('error', () => {});
      client.end();
      resolve(captured);
    };
    client.on('error', done);
    client.on('close', done);
    client.on('ready', done);
    client.connect({
      host: host.replace(/^\[(.*)\]$/, '$1'),
      port,
      username: 'git-gate-host-scan',
      readyTimeout: timeoutMs,
      algorithms: { serverHostKey: [algorithm as ssh2.ServerHostKeyAlgorithm] },
      hostVerifier: (key: Buffer) => {
        captured = Buffer.from(key);
        return false;
      },
    });
  });
}

/** Scans an upstream's host keys (one per key type it has). */
export async function scanHostKeys(options: { host: string; port?: number; timeoutMs?: number }): Promise<ScannedHostKey[]> {
  const port = options.port ?? 22;
  const pattern = knownHostsPattern(options.host, port);
  const blobs = await Promise.all(ALGORITHMS.map((algorithm) => captureKey(options.host, port, algorithm, options.timeoutMs ?? 10_000)));
  const seen = new Set<string>();
  const out: ScannedHostKey[] = [];
  for (const blob of blobs) {
    if (blob === undefined) continue;
    const base64 = blob.toString('base64');
    if (seen.has(base64)) continue;
    seen.add(base64);
    const key = { type: new WireReader(blob).string().toString(), blob: base64, fingerprint: fingerprintOf(blob) };
    out.push({ ...key, line: knownHostsLine(pattern, key) });
  }
  if (out.length === 0) throw new GateError('GATE_UPSTREAM_UNREACHABLE', `no SSH host key could be read from ${pattern}`);
  return out;
}

/**
 * Reads a per-scope known_hosts file ('' when it does not exist yet). Whoever can write it can
 * add trust, so it gets the vault's rules: no symlink, ours, 0600.
 */
export async function readKnownHosts(file: string): Promise<string> {
  return (await readPrivateFile(file)) ?? '';
}

/** Replaces the lines for one host pattern in a per-scope known_hosts file (atomic write). */
export async function writeHostKeys(knownHostsFile: string, pattern: string, keys: readonly HostKey[]): Promise<void> {
  await ensurePrivateDir(path.dirname(path.resolve(knownHostsFile)));
  const kept = withoutPattern(await readKnownHosts(knownHostsFile), pattern);
  await writePrivateFile(knownHostsFile, [...kept, ...keys.map((key) => knownHostsLine(pattern, key))].join('\n') + '\n');
}

/**
 * Pins the keys the upstream presents now. Without `replace`, a pinned key that differs from
 * what the host shows for the same type is GATE_HOST_KEY_MISMATCH: never replaced silently.
 */
export async function trustHost(options: { knownHostsFile: string; host: string; port?: number; replace?: boolean; scanned?: readonly ScannedHostKey[] }): Promise<readonly ScannedHostKey[]> {
  const port = options.port ?? 22;
  const pattern = knownHostsPattern(options.host, port);
  const scanned = options.scanned ?? (await scanHostKeys({ host: options.host, port }));
  const existing = keysForPattern(await readKnownHosts(options.knownHostsFile), pattern);
  if (!options.replace) {
    for (const old of existing) {
      const now = scanned.find((key) => key.type === old.type);
      if (now !== undefined && now.blob !== old.blob) {
        throw new GateError('GATE_HOST_KEY_MISMATCH', `${pattern} now presents ${now.type} key ${now.fingerprint}, but ${old.fingerprint} is pinned`, {
          details: { host: pattern, pinned: old.fingerprint, presented: now.fingerprint },
        });
      }
    }
  }
  const keep = options.replace ? [] : existing.filter((old) => !scanned.some((key) => key.blob === old.blob));
  await writeHostKeys(options.knownHostsFile, pattern, [...keep, ...scanned]);
  return scanned;
}
