// known_hosts lines for one upstream: host patterns, pins from project YAML (key lines or
// SHA256 fingerprints), and parsing of what a per-scope file already holds.
import { GateError } from '../errors/index.js';
import { fingerprintOf } from './key-material.js';
import { WireReader } from './wire.js';

/** A host key as known_hosts holds it. */
export interface HostKey {
  type: string;
  /** Base64 public key blob. */
  blob: string;
  fingerprint: string;
}

/** A pin from configuration. */
export type HostKeyPin = { kind: 'key'; key: HostKey } | { kind: 'fingerprint'; fingerprint: string };

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
const KEY_TYPE = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;

/** The host field ssh looks up: "host" on port 22, "[host]:port" otherwise. */
export function knownHostsPattern(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return port === 22 ? bare : `[${bare}]:${port}`;
}

/** A host key from its type and base64 blob; refuses a blob that does not name its own type. */
export function hostKeyFrom(type: string, blob: string): HostKey {
  let bytes: Buffer;
  try {
    bytes = Buffer.from(blob, 'base64');
    if (!KEY_TYPE.test(type) || new WireReader(bytes).string().toString() !== type) throw new Error('type');
  } catch {
    throw new GateError('GATE_INVALID_ARGUMENT', `host key ${JSON.stringify(`${type} ${blob.slice(0, 20)}…`)} is not a valid OpenSSH public key`);
  }
  return { type, blob, fingerprint: fingerprintOf(bytes) };
}

/** Parses one pin: "SHA256:…", "<type> <base64> [comment]" or a known_hosts line "<hosts> <type> <base64>". */
export function parseHostKeyPin(text: string): HostKeyPin {
  const trimmed = text.trim();
  if (FINGERPRINT.test(trimmed)) return { kind: 'fingerprint', fingerprint: trimmed };
  const fields = trimmed.split(/\s+/);
  if (fields[0]?.startsWith('@')) throw new GateError('GATE_INVALID_ARGUMENT', `host key pin ${JSON.stringify(fields[0])} markers are not supported; give the host's own key`);
  const at = fields.findIndex((field) => KEY_TYPE.test(field));
  if (at < 0 || at > 1 || fields[at + 1] === undefined) {
    throw new GateError('GATE_INVALID_ARGUMENT', `host key pin ${JSON.stringify(trimmed.slice(0, 40))} is neither a SHA256 fingerprint nor an OpenSSH public key line`);
  }
  return { kind: 'key', key: hostKeyFrom(fields[at]!, fields[at + 1]!) };
}

/** The known_hosts line for a key. */
export function knownHostsLine(pattern: string, key: HostKey): string {
  return `${pattern} ${key.type} ${key.blob}`;
}

/** Keys in known_hosts text whose host field is exactly `pattern` (hashed entries are not ours). */
export function keysForPattern(text: string, pattern: string): HostKey[] {
  const out: HostKey[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3 || fields[0]!.startsWith('#') || fields[0]!.startsWith('@')) continue;
    if (!fields[0]!.split(',').includes(pattern)) continue;
    try {
      out.push(hostKeyFrom(fields[1]!, fields[2]!));
    } catch {
      // A malformed line is ssh's to ignore too.
    }
  }
  return out;
}

/** known_hosts text without the lines for `pattern`. */
export function withoutPattern(text: string, pattern: string): string[] {
  return text.split('\n').filter((line) => {
    const first = line.trim().split(/\s+/)[0] ?? '';
    return line.trim() !== '' && !first.split(',').includes(pattern);
  });
}
