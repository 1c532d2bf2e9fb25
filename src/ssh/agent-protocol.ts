// The SSH agent protocol (draft-miller-ssh-agent), the small part git-gate serves: list
// identities (11 → 12) and sign (13 → 14); every other message, including extensions such as
// session-bind@openssh.com (27), gets SSH_AGENT_FAILURE (5). Pure code: bytes in, bytes out.
import { sign } from 'node:crypto';
import { ecdsaHash, type KeyMaterial } from './key-material.js';
import { mpint, sshString, uint32, WireReader } from './wire.js';

export const SSH_AGENT_FAILURE = 5;
export const SSH_AGENTC_REQUEST_IDENTITIES = 11;
export const SSH_AGENT_IDENTITIES_ANSWER = 12;
export const SSH_AGENTC_SIGN_REQUEST = 13;
export const SSH_AGENT_SIGN_RESPONSE = 14;
const SSH_AGENT_RSA_SHA2_256 = 2;
const SSH_AGENT_RSA_SHA2_512 = 4;

/** Largest message accepted; OpenSSH's own agent uses 256 KiB too. */
export const MAX_AGENT_MESSAGE = 256 * 1024;

/** A key the agent serves, with the comment it lists. */
export interface AgentKey {
  readonly key: KeyMaterial;
  readonly comment: string;
}

/** Told about each signature made (never the data signed). */
export type SignatureListener = (key: KeyMaterial, algorithm: string) => void;

/** Frames a message payload with its uint32 length. */
export function frame(payload: Buffer): Buffer {
  return Buffer.concat([uint32(payload.length), payload]);
}

const FAILURE = Buffer.from([SSH_AGENT_FAILURE]);

/**
 * Splits a byte stream into agent messages: handles partial reads and several messages in one
 * chunk. `push` returns the complete payloads, or 'oversized' when a length exceeds the cap (the
 * stream cannot be resynchronised after that, so the caller closes it).
 */
export class AgentFramer {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] | 'oversized' {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const messages: Buffer[] = [];
    while (this.buffered.length >= 4) {
      const length = this.buffered.readUInt32BE(0);
      if (length > MAX_AGENT_MESSAGE) return 'oversized';
      if (this.buffered.length < 4 + length) break;
      messages.push(this.buffered.subarray(4, 4 + length));
      this.buffered = this.buffered.subarray(4 + length);
    }
    return messages;
  }
}

/** Answers one request payload; never throws (malformed input gets a failure reply). */
export function answerAgentRequest(payload: Buffer, keys: readonly AgentKey[], onSign?: SignatureListener): Buffer {
  try {
    const reader = new WireReader(payload);
    const type = reader.byte();
    if (type === SSH_AGENTC_REQUEST_IDENTITIES && reader.remaining === 0) return identities(keys);
    if (type === SSH_AGENTC_SIGN_REQUEST) {
      const blob = reader.string();
      const data = reader.string();
      const flags = reader.uint32();
      const entry = keys.find((candidate) => candidate.key.publicBlob.equals(blob));
      if (entry === undefined) return FAILURE;
      const signed = signWith(entry.key, data, flags);
      if (signed === undefined) return FAILURE;
      onSign?.(entry.key, signed.algorithm);
      return Buffer.concat([Buffer.from([SSH_AGENT_SIGN_RESPONSE]), sshString(signed.blob)]);
    }
    return FAILURE;
  } catch {
    return FAILURE;
  }
}

function identities(keys: readonly AgentKey[]): Buffer {
  const parts = [Buffer.from([SSH_AGENT_IDENTITIES_ANSWER]), uint32(keys.length)];
  for (const { key, comment } of keys) parts.push(sshString(key.publicBlob), sshString(comment));
  return Buffer.concat(parts);
}

/** The SSH signature blob for `data`, or undefined when the request cannot be honoured safely. */
export function signWith(key: KeyMaterial, data: Buffer, flags: number): { algorithm: string; blob: Buffer } | undefined {
  switch (key.type) {
    case 'ssh-ed25519':
      return { algorithm: key.type, blob: Buffer.concat([sshString(key.type), sshString(sign(null, data, key.privateKey))]) };
    case 'ssh-rsa': {
      // Plain "ssh-rsa" signatures use SHA-1: refused, whatever the client asks.
      const algorithm = flags & SSH_AGENT_RSA_SHA2_512 ? 'rsa-sha2-512' : flags & SSH_AGENT_RSA_SHA2_256 ? 'rsa-sha2-256' : undefined;
      if (algorithm === undefined) return undefined;
      const signature = sign(algorithm === 'rsa-sha2-512' ? 'sha512' : 'sha256', data, key.privateKey);
      return { algorithm, blob: Buffer.concat([sshString(algorithm), sshString(signature)]) };
    }
    default: {
      // node's IEEE P1363 form is r‖s at fixed width; SSH wants them as two mpints.
      const raw = sign(ecdsaHash(key.type), data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
      const half = raw.length / 2;
      const rs = Buffer.concat([mpint(raw.subarray(0, half)), mpint(raw.subarray(half))]);
      return { algorithm: key.type, blob: Buffer.concat([sshString(key.type), sshString(rs)]) };
    }
  }
}

/** The failure reply, framed. */
export const FRAMED_FAILURE = frame(FAILURE);
