// A private key as git-gate holds it in memory: node's KeyObject plus the SSH names and the
// public blob. Everything the vault stores and the agent signs goes through this one shape.
import { createHash, type KeyObject } from 'node:crypto';
import { GateError } from '../errors/index.js';
import { mpint, sshString } from './wire.js';

/** SSH key types the vault accepts. */
export type SshKeyType = 'ssh-ed25519' | 'ssh-rsa' | 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521';

/** A usable private key with its SSH identity. */
export interface KeyMaterial {
  readonly type: SshKeyType;
  readonly privateKey: KeyObject;
  /** The SSH public key blob (what the agent lists and servers authorise). */
  readonly publicBlob: Buffer;
  /** "SHA256:…" exactly as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
}

interface Jwk {
  kty?: string;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  n?: string;
  e?: string;
  p?: string;
  q?: string;
  qi?: string;
}

const CURVES: Readonly<Record<string, { name: 'nistp256' | 'nistp384' | 'nistp521'; hash: string }>> = {
  'P-256': { name: 'nistp256', hash: 'sha256' },
  'P-384': { name: 'nistp384', hash: 'sha384' },
  'P-521': { name: 'nistp521', hash: 'sha512' },
};

/** The smallest RSA modulus accepted; smaller keys are refused by current OpenSSH servers anyway. */
export const MIN_RSA_BITS = 2048;

function b64u(value: string | undefined): Buffer {
  if (value === undefined) throw new GateError('GATE_KEY_INVALID', 'the private key is missing a component');
  return Buffer.from(value, 'base64url');
}

function jwkOf(key: KeyObject): Jwk {
  return key.export({ format: 'jwk' }) as Jwk;
}

/** "SHA256:<base64 without padding>" of a public key blob, as ssh-keygen prints it. */
export function fingerprintOf(publicBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Wraps a node private key as SSH key material; refuses unsupported types and short RSA keys. */
export function keyMaterialFrom(privateKey: KeyObject): KeyMaterial {
  if (privateKey.type !== 'private') throw new GateError('GATE_KEY_INVALID', 'a private key is needed, not a public one');
  const jwk = jwkOf(privateKey);
  let type: SshKeyType;
  let publicBlob: Buffer;
  switch (privateKey.asymmetricKeyType) {
    case 'ed25519':
      type = 'ssh-ed25519';
      publicBlob = Buffer.concat([sshString(type), sshString(b64u(jwk.x))]);
      break;
    case 'rsa': {
      const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < MIN_RSA_BITS) throw new GateError('GATE_KEY_INVALID', `RSA keys need at least ${MIN_RSA_BITS} bits; this one has ${bits}`);
      type = 'ssh-rsa';
      publicBlob = Buffer.concat([sshString(type), mpint(b64u(jwk.e)), mpint(b64u(jwk.n))]);
      break;
    }
    case 'ec': {
      const curve = CURVES[jwk.crv ?? ''];
      if (curve === undefined) throw new GateError('GATE_KEY_INVALID', `ECDSA curve ${jwk.crv ?? '?'} is not supported (nistp256, nistp384, nistp521 are)`);
      type = `ecdsa-sha2-${curve.name}`;
      publicBlob = Buffer.concat([sshString(type), sshString(curve.name), sshString(ecPoint(jwk))]);
      break;
    }
    default:
      throw new GateError('GATE_KEY_INVALID', `key type ${privateKey.asymmetricKeyType ?? '?'} is not supported (ed25519, RSA, ECDSA are)`);
  }
  return { type, privateKey, publicBlob, fingerprint: fingerprintOf(publicBlob) };
}

function ecPoint(jwk: Jwk): Buffer {
  return Buffer.concat([Buffer.from([4]), b64u(jwk.x), b64u(jwk.y)]);
}

/** The OpenSSH private-section fields of a key (between the check ints and the comment). */
export function privateFields(key: KeyMaterial): Buffer {
  const jwk = jwkOf(key.privateKey);
  switch (key.type) {
    case 'ssh-ed25519': {
      const pub = b64u(jwk.x);
      return Buffer.concat([sshString(key.type), sshString(pub), sshString(Buffer.concat([b64u(jwk.d), pub]))]);
    }
    case 'ssh-rsa':
      return Buffer.concat([
        sshString(key.type), mpint(b64u(jwk.n)), mpint(b64u(jwk.e)), mpint(b64u(jwk.d)),
        mpint(b64u(jwk.qi)), mpint(b64u(jwk.p)), mpint(b64u(jwk.q)),
      ]);
    default: {
      const curve = CURVES[jwk.crv ?? '']!;
      return Buffer.concat([sshString(key.type), sshString(curve.name), sshString(ecPoint(jwk)), mpint(b64u(jwk.d))]);
    }
  }
}

/** The hash ECDSA signatures use for a key type (RFC 5656 §6.2.1). */
export function ecdsaHash(type: SshKeyType): string {
  return type === 'ecdsa-sha2-nistp256' ? 'sha256' : type === 'ecdsa-sha2-nistp384' ? 'sha384' : 'sha512';
}

/** The OpenSSH public key line: "<type> <base64 blob> <comment>". */
export function publicKeyLine(key: { type: string; publicBlob: Buffer }, comment: string): string {
  return `${key.type} ${key.publicBlob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}
