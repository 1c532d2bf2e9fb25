// Reads and writes private key files. Writing uses OpenSSH's own format (openssh-key-v1), so
// `ssh-keygen -y -f` reads what the vault stores; with a passphrase the key is encrypted
// (bcrypt_pbkdf + aes256-ctr, as ssh-keygen does) before it leaves memory.
import { createCipheriv, createPrivateKey, type KeyObject, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import ssh2 from 'ssh2';
import { GateError } from '../errors/index.js';
import { type KeyMaterial, keyMaterialFrom, privateFields } from './key-material.js';
import { sshString, uint32 } from './wire.js';

// ssh2 depends on bcrypt-pbkdf (OpenSSH's KDF) and uses it to read encrypted keys; resolving it
// through ssh2 gives the same copy ssh2 decrypts with.
const requireFromSsh2 = createRequire(createRequire(import.meta.url).resolve('ssh2'));
const bcrypt = requireFromSsh2('bcrypt-pbkdf') as {
  pbkdf(pass: Buffer, passlen: number, salt: Buffer, saltlen: number, key: Buffer, keylen: number, rounds: number): number;
};

const MAGIC = Buffer.from('openssh-key-v1\0');
/** ssh-keygen's default bcrypt rounds. */
const KDF_ROUNDS = 16;

/** Serialises a key as an OpenSSH private key file, encrypted when a passphrase is given. */
export function encodeOpenSshPrivateKey(key: KeyMaterial, comment: string, passphrase?: string): string {
  const encrypt = passphrase !== undefined && passphrase.length > 0;
  const blockSize = encrypt ? 16 : 8;
  const check = randomBytes(4);
  const parts = [check, check, privateFields(key), sshString(comment)];
  let section = Buffer.concat(parts);
  const padLength = (blockSize - (section.length % blockSize)) % blockSize;
  section = Buffer.concat([section, Buffer.from(Array.from({ length: padLength }, (_, i) => i + 1))]);

  let kdfOptions = Buffer.alloc(0);
  if (encrypt) {
    const salt = randomBytes(16);
    kdfOptions = Buffer.concat([sshString(salt), uint32(KDF_ROUNDS)]);
    const pass = Buffer.from(passphrase);
    const derived = Buffer.alloc(48);
    if (bcrypt.pbkdf(pass, pass.length, salt, salt.length, derived, derived.length, KDF_ROUNDS) !== 0) {
      throw new GateError('GATE_KEY_INVALID', 'could not derive the key encryption key');
    }
    const cipher = createCipheriv('aes-256-ctr', derived.subarray(0, 32), derived.subarray(32, 48));
    const plain = section;
    section = Buffer.concat([cipher.update(plain), cipher.final()]);
    plain.fill(0);
    derived.fill(0);
  }
  const body = Buffer.concat([
    MAGIC,
    sshString(encrypt ? 'aes256-ctr' : 'none'),
    sshString(encrypt ? 'bcrypt' : 'none'),
    sshString(kdfOptions),
    uint32(1),
    sshString(key.publicBlob),
    sshString(section),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/** Why a key file could not be opened. */
export type KeyOpenFailure = 'locked' | 'wrong_passphrase' | 'invalid';

/** A failed open, with the reason the caller turns into its own error code. */
export class KeyOpenError extends Error {
  constructor(readonly reason: KeyOpenFailure, message: string) {
    super(message);
  }
}

/** True when the text is an encrypted private key (so a passphrase is needed to open it). */
export function isEncryptedKeyText(text: string): boolean {
  if (text.includes('BEGIN ENCRYPTED PRIVATE KEY') || /Proc-Type:\s*4,ENCRYPTED/.test(text)) return true;
  const match = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (!match) return false;
  const body = Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64');
  // magic, then string ciphername: "none" means plaintext.
  if (!body.subarray(0, MAGIC.length).equals(MAGIC) || body.length < MAGIC.length + 4) return false;
  const length = body.readUInt32BE(MAGIC.length);
  return body.subarray(MAGIC.length + 4, MAGIC.length + 4 + length).toString() !== 'none';
}

/**
 * Opens private key text (OpenSSH, or PEM: PKCS#1, SEC1, PKCS#8, encrypted or not). Throws
 * KeyOpenError; the message never contains key material or the passphrase.
 */
export function openPrivateKey(text: string, passphrase?: string): KeyMaterial {
  const encrypted = isEncryptedKeyText(text);
  if (encrypted && (passphrase === undefined || passphrase.length === 0)) throw new KeyOpenError('locked', 'the key is encrypted and no passphrase was given');
  let material: KeyMaterial;
  if (text.includes('-----BEGIN OPENSSH PRIVATE KEY-----')) {
    const parsed = ssh2.utils.parseKey(text, encrypted ? passphrase : undefined);
    if (parsed instanceof Error) {
      if (/bad passphrase|integrity check/i.test(parsed.message)) throw new KeyOpenError('wrong_passphrase', 'the passphrase does not decrypt the key');
      throw new KeyOpenError('invalid', 'the text is not a readable OpenSSH private key');
    }
    const first = Array.isArray(parsed) ? (parsed as ssh2.ParsedKey[])[0] : parsed;
    if (first === undefined || !first.isPrivateKey()) throw new KeyOpenError('invalid', 'the text holds no private key');
    material = toMaterial(() => createPrivateKey(first.getPrivatePEM()));
  } else if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    material = toMaterial(() => {
      try {
        return createPrivateKey(encrypted ? { key: text, passphrase: passphrase ?? '' } : { key: text });
      } catch (error) {
        if (encrypted) throw new KeyOpenError('wrong_passphrase', 'the passphrase does not decrypt the key');
        throw error;
      }
    });
  } else {
    throw new KeyOpenError('invalid', 'the text is not a PEM or OpenSSH private key');
  }
  return material;
}

function toMaterial(load: () => KeyObject): KeyMaterial {
  try {
    return keyMaterialFrom(load());
  } catch (error) {
    if (error instanceof KeyOpenError || error instanceof GateError) throw error;
    throw new KeyOpenError('invalid', 'the private key could not be read');
  }
}
