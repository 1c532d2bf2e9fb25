// HTTPS tokens per scope, in the vault beside the SSH key. Encrypted (scrypt + AES-256-GCM) when
// a vault passphrase is configured. The envelope keeps a fingerprint in clear so `show` needs no
// passphrase; for a random token it reveals nothing usable.
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { GateError } from '../errors/index.js';
import { registerSecret } from '../log/index.js';
import { checkPrivateDir, ensurePrivateDir, readPrivateFile, writePrivateFile } from './private-files.js';
import { scopeOfVault, tokenPath } from './vault-layout.js';

/** A token and the user name sent with it (hosts differ: x-access-token, oauth2, a login). */
export interface UpstreamToken {
  username: string;
  token: string;
}

interface Envelope {
  v: 1;
  fingerprint: string;
  username: string;
  token?: string;
  scrypt?: { salt: string; iv: string; tag: string; data: string };
}

// A token or user name goes into git's credential protocol line by line: a newline would let it
// inject other fields, so only printable ASCII without spaces is accepted.
const TOKEN = /^[\x21-\x7e]{8,4096}$/;
const USERNAME = /^[A-Za-z0-9._@+-]{1,128}$/;

/** "sha256:" + the first 16 hex digits of the token's hash, for showing which token is set. */
export function tokenFingerprint(token: string): string {
  return `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}

function keyFor(passphrase: string, salt: Buffer): Buffer {
  return scryptSync(passphrase, salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
}

/** Stores the scope's upstream token (replacing any), encrypted when a passphrase is given. */
export async function setUpstreamToken(options: { vaultDir: string; token: string; username?: string; passphrase?: string }): Promise<{ fingerprint: string }> {
  const username = options.username ?? 'x-access-token';
  if (!TOKEN.test(options.token)) throw new GateError('GATE_KEY_INVALID', 'the token must be 8 to 4096 printable ASCII characters without spaces');
  if (!USERNAME.test(username)) throw new GateError('GATE_KEY_INVALID', 'the token user name must be 1 to 128 of A-Z a-z 0-9 . _ @ + -');
  registerSecret(options.token);
  if (options.passphrase) registerSecret(options.passphrase);
  await ensurePrivateDir(path.dirname(path.resolve(options.vaultDir)));
  await ensurePrivateDir(options.vaultDir);
  const envelope: Envelope = { v: 1, fingerprint: tokenFingerprint(options.token), username };
  if (options.passphrase) {
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keyFor(options.passphrase, salt), iv);
    const data = Buffer.concat([cipher.update(options.token, 'utf8'), cipher.final()]);
    envelope.scrypt = { salt: salt.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  } else {
    envelope.token = options.token;
  }
  await writePrivateFile(tokenPath(options.vaultDir), `${JSON.stringify(envelope)}\n`);
  return { fingerprint: envelope.fingerprint };
}

async function readEnvelope(vaultDir: string): Promise<Envelope | undefined> {
  if (!(await checkPrivateDir(vaultDir))) return undefined;
  const text = await readPrivateFile(tokenPath(vaultDir));
  if (text === undefined) return undefined;
  try {
    const envelope = JSON.parse(text) as Envelope;
    if (envelope.v === 1 && typeof envelope.fingerprint === 'string' && typeof envelope.username === 'string') return envelope;
  } catch {
    // Reported below without echoing the content.
  }
  throw new GateError('GATE_KEY_INVALID', `the stored token of scope ${scopeOfVault(vaultDir)} is unreadable`);
}

/** The token's fingerprint and user name, without decrypting it; undefined when none is set. */
export async function showUpstreamToken(options: { vaultDir: string }): Promise<{ fingerprint: string; username: string; encrypted: boolean } | undefined> {
  const envelope = await readEnvelope(options.vaultDir);
  return envelope && { fingerprint: envelope.fingerprint, username: envelope.username, encrypted: envelope.scrypt !== undefined };
}

/** Loads the token (registered as a secret for redaction); undefined when none is set. */
export async function loadUpstreamToken(options: { vaultDir: string; passphrase?: string }): Promise<UpstreamToken | undefined> {
  const envelope = await readEnvelope(options.vaultDir);
  if (envelope === undefined) return undefined;
  const scope = scopeOfVault(options.vaultDir);
  let token = envelope.token;
  if (envelope.scrypt !== undefined) {
    if (!options.passphrase) throw new GateError('GATE_VAULT_LOCKED', `the upstream token of scope ${scope} is encrypted and no vault passphrase was given`);
    try {
      const box = envelope.scrypt;
      const decipher = createDecipheriv('aes-256-gcm', keyFor(options.passphrase, Buffer.from(box.salt, 'base64')), Buffer.from(box.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
      token = Buffer.concat([decipher.update(Buffer.from(box.data, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new GateError('GATE_VAULT_PASSPHRASE_WRONG', `the vault passphrase does not decrypt the upstream token of scope ${scope}`);
    }
  }
  if (token === undefined || !TOKEN.test(token)) throw new GateError('GATE_KEY_INVALID', `the stored token of scope ${scope} is unreadable`);
  registerSecret(token);
  return { username: envelope.username, token };
}

/** Removes the scope's token; returns false when there was none. */
export async function removeUpstreamToken(options: { vaultDir: string }): Promise<boolean> {
  const had = (await readEnvelope(options.vaultDir)) !== undefined;
  await rm(tokenPath(options.vaultDir), { force: true });
  return had;
}
