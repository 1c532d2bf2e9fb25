// The agent protocol as bytes: framing of split and coalesced messages, the size cap, failure
// replies for unknown types and garbage, and signatures that verify (RSA never with SHA-1).
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AgentFramer, answerAgentRequest, type AgentKey, frame, MAX_AGENT_MESSAGE, signWith } from '../../src/ssh/agent-protocol.js';
import { keyMaterialFrom } from '../../src/ssh/key-material.js';
import { sshString, uint32, WireReader } from '../../src/ssh/wire.js';

const ed = keyMaterialFrom(generateKeyPairSync('ed25519').privateKey);
const rsa = keyMaterialFrom(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
const ec = keyMaterialFrom(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey);
const keys: AgentKey[] = [{ key: ed, comment: 'git-gate:a' }];

const REQUEST_IDENTITIES = frame(Buffer.from([11]));
function signRequest(blob: Buffer, data: Buffer, flags: number): Buffer {
  return Buffer.concat([Buffer.from([13]), sshString(blob), sshString(data), uint32(flags)]);
}

describe('agent framing', () => {
  it('reassembles a message split into single bytes', () => {
    const framer = new AgentFramer();
    const bytes = frame(signRequest(ed.publicBlob, Buffer.from('data'), 0));
    const seen: Buffer[] = [];
    for (const byte of bytes) {
      const out = framer.push(Buffer.from([byte]));
      expect(out).not.toBe('oversized');
      seen.push(...(out as Buffer[]));
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toBe(13);
  });

  it('splits two messages written in one chunk, keeping a partial third', () => {
    const framer = new AgentFramer();
    const third = frame(Buffer.from([11]));
    const out = framer.push(Buffer.concat([REQUEST_IDENTITIES, frame(Buffer.from([27, 1, 2])), third.subarray(0, 2)]));
    expect((out as Buffer[]).map((message) => message[0])).toEqual([11, 27]);
    expect(framer.push(third.subarray(2))).toEqual([Buffer.from([11])]);
  });

  it('refuses a length over the cap before buffering it', () => {
    const framer = new AgentFramer();
    expect(framer.push(uint32(MAX_AGENT_MESSAGE + 1))).toBe('oversized');
    expect(new AgentFramer().push(uint32(MAX_AGENT_MESSAGE))).toEqual([]);
  });
});

describe('agent answers', () => {
  it('lists only the keys it serves', () => {
    const reply = new WireReader(answerAgentRequest(Buffer.from([11]), keys));
    expect(reply.byte()).toBe(12);
    expect(reply.uint32()).toBe(1);
    expect(reply.string().equals(ed.publicBlob)).toBe(true);
    expect(reply.string().toString()).toBe('git-gate:a');
  });

  it('answers session-bind (27), unknown types, empty and truncated messages with failure', () => {
    const sessionBind = Buffer.concat([Buffer.from([27]), sshString('session-bind@openssh.com'), sshString(Buffer.alloc(51))]);
    for (const payload of [sessionBind, Buffer.from([27]), Buffer.from([99]), Buffer.alloc(0), Buffer.from([13, 0, 0]), Buffer.from([11, 0])]) {
      expect(answerAgentRequest(payload, keys)).toEqual(Buffer.from([5]));
    }
  });

  it('never throws on random garbage', () => {
    for (let i = 0; i < 500; i++) {
      const garbage = Buffer.from(Array.from({ length: 1 + (i % 40) }, () => Math.floor(Math.random() * 256)));
      garbage[0] = i % 2 === 0 ? 13 : garbage[0]!;
      const reply = answerAgentRequest(garbage, keys);
      expect([5, 12]).toContain(reply[0]);
    }
  });

  it('refuses to sign with a key it does not serve', () => {
    const signed: string[] = [];
    expect(answerAgentRequest(signRequest(rsa.publicBlob, Buffer.from('x'), 4), keys, (key) => signed.push(key.fingerprint))).toEqual(Buffer.from([5]));
    expect(signed).toEqual([]);
  });

  it('signs ed25519 and reports the signature to the audit listener', () => {
    const data = Buffer.from('session data');
    const signed: string[] = [];
    const reply = new WireReader(answerAgentRequest(signRequest(ed.publicBlob, data, 0), keys, (key, algorithm) => signed.push(`${key.fingerprint} ${algorithm}`)));
    expect(reply.byte()).toBe(14);
    const blob = new WireReader(reply.string());
    expect(blob.string().toString()).toBe('ssh-ed25519');
    expect(verify(null, data, createPublicKey(ed.privateKey), blob.string())).toBe(true);
    expect(signed).toEqual([`${ed.fingerprint} ssh-ed25519`]);
  });

  it('signs RSA with rsa-sha2-512 or rsa-sha2-256 as flagged, and refuses SHA-1', () => {
    const data = Buffer.from('rsa data');
    expect(signWith(rsa, data, 0)).toBeUndefined();
    for (const [flags, algorithm, hash] of [[4, 'rsa-sha2-512', 'sha512'], [2, 'rsa-sha2-256', 'sha256'], [6, 'rsa-sha2-512', 'sha512']] as const) {
      const signed = signWith(rsa, data, flags)!;
      expect(signed.algorithm).toBe(algorithm);
      const blob = new WireReader(signed.blob);
      expect(blob.string().toString()).toBe(algorithm);
      expect(verify(hash, data, createPublicKey(rsa.privateKey), blob.string())).toBe(true);
    }
  });

  it('encodes ECDSA signatures as two SSH mpints', () => {
    const data = Buffer.from('ecdsa data');
    const blob = new WireReader(signWith(ec, data, 0)!.blob);
    expect(blob.string().toString()).toBe('ecdsa-sha2-nistp384');
    const rs = new WireReader(blob.string());
    const [r, s] = [rs.string(), rs.string()];
    expect(rs.remaining).toBe(0);
    for (const part of [r, s]) expect(part[0] === 0 ? (part[1]! & 0x80) !== 0 : (part[0]! & 0x80) === 0).toBe(true);
    const fixed = (part: Buffer) => Buffer.concat([Buffer.alloc(48), part]).subarray(-48);
    expect(verify('sha384', data, { key: createPublicKey(ec.privateKey), dsaEncoding: 'ieee-p1363' }, Buffer.concat([fixed(r), fixed(s)]))).toBe(true);
  });
});
