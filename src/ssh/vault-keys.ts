// The per-scope SSH key vault: create, import, export, list, remove and load a scope's key.
// Library functions behind `gate ssh-init` and friends; paths come from the config layer.
import { generateKeyPairSync } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { GateError } from '../errors/index.js';
import { registerSecret } from '../log/index.js';
import { fingerprintOf, type KeyMaterial, keyMaterialFrom, publicKeyLine, type SshKeyType } from './key-material.js';
import { encodeOpenSshPrivateKey, KeyOpenError, openPrivateKey } from './openssh-key-file.js';
import { checkPrivateDir, ensurePrivateDir, readPrivateFile, writePrivateFile } from './private-files.js';
import { privateKeyPath, publicKeyPath, scopeOfVault } from './vault-layout.js';

/** What the vault reports about a stored key. */
export interface VaultKeyInfo {
  /** The public key line to register upstream as a read-only deploy key. */
  publicKey: string;
  fingerprint: string;
  type: SshKeyType;
}

/** The result of ssh-init or import. */
export interface VaultKeyResult extends VaultKeyInfo {
  /** False when an existing key was returned unchanged. */
  created: boolean;
}

/** The comment written into a scope's key. */
export function keyComment(scope: string): string {
  return `git-gate:${scope}`;
}

async function ensureVaultDir(vaultDir: string): Promise<void> {
  await ensurePrivateDir(path.dirname(path.resolve(vaultDir)));
  await ensurePrivateDir(vaultDir);
}

async function readPublicInfo(vaultDir: string): Promise<VaultKeyInfo | undefined> {
  if (!(await checkPrivateDir(vaultDir))) return undefined;
  const line = await readPrivateFile(publicKeyPath(vaultDir));
  if (line === undefined) return undefined;
  const [type, blob] = line.trim().split(/\s+/);
  if (type === undefined || blob === undefined) throw new GateError('GATE_KEY_INVALID', `${publicKeyPath(vaultDir)} is not an OpenSSH public key line`);
  return { publicKey: line.trim(), fingerprint: fingerprintOf(Buffer.from(blob, 'base64')), type: type as SshKeyType };
}

async function store(vaultDir: string, key: KeyMaterial, passphrase: string | undefined): Promise<VaultKeyResult> {
  if (passphrase) registerSecret(passphrase);
  const comment = keyComment(scopeOfVault(vaultDir));
  await writePrivateFile(privateKeyPath(vaultDir), encodeOpenSshPrivateKey(key, comment, passphrase));
  const publicKey = publicKeyLine(key, comment);
  await writePrivateFile(publicKeyPath(vaultDir), `${publicKey}\n`);
  return { created: true, publicKey, fingerprint: key.fingerprint, type: key.type };
}

/**
 * Creates the scope's deploy key in memory and stores it (encrypted when `passphrase` is set).
 * Idempotent: an existing key is returned unchanged unless `force` rotates it.
 */
export async function sshInit(options: { vaultDir: string; type?: 'ed25519' | 'rsa'; force?: boolean; passphrase?: string }): Promise<VaultKeyResult> {
  await ensureVaultDir(options.vaultDir);
  const existing = await readPublicInfo(options.vaultDir);
  if (existing !== undefined && !options.force) return { ...existing, created: false };
  const pair = options.type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 3072 }) : generateKeyPairSync('ed25519');
  return store(options.vaultDir, keyMaterialFrom(pair.privateKey), options.passphrase);
}

/** Imports an existing private key (ed25519, RSA ≥ 2048, ECDSA; OpenSSH or PEM) into the vault. */
export async function importKey(options: { vaultDir: string; privateKeyText: string; keyPassphrase?: string; vaultPassphrase?: string; force?: boolean }): Promise<VaultKeyResult> {
  if (options.keyPassphrase) registerSecret(options.keyPassphrase);
  let key: KeyMaterial;
  try {
    key = openPrivateKey(options.privateKeyText, options.keyPassphrase);
  } catch (error) {
    if (!(error instanceof KeyOpenError)) throw error;
    throw new GateError('GATE_KEY_INVALID', `the key to import could not be read: ${error.message}`, {
      ...(error.reason === 'invalid' ? {} : { fix: 'Give the passphrase the key to import is encrypted with.' }),
    });
  }
  await ensureVaultDir(options.vaultDir);
  if ((await readPublicInfo(options.vaultDir)) !== undefined && !options.force) {
    throw new GateError('GATE_KEY_EXISTS', `scope ${scopeOfVault(options.vaultDir)} already has a key`);
  }
  return store(options.vaultDir, key, options.vaultPassphrase);
}

/** The scope's public key line. */
export async function exportPublicKey(options: { vaultDir: string }): Promise<VaultKeyInfo> {
  const info = await readPublicInfo(options.vaultDir);
  if (info === undefined) throw notFound(options.vaultDir);
  return info;
}

/** Every scope under the vault root that has a key (no passphrase needed). */
export async function listKeys(vaultRoot: string): Promise<Array<VaultKeyInfo & { scope: string }>> {
  if (!(await checkPrivateDir(vaultRoot))) return [];
  const out: Array<VaultKeyInfo & { scope: string }> = [];
  for (const entry of (await readdir(vaultRoot)).sort()) {
    const info = await readPublicInfo(path.join(vaultRoot, entry));
    if (info !== undefined) out.push({ scope: entry, ...info });
  }
  return out;
}

/** Removes the scope's key; returns false when there was none. */
export async function removeKey(options: { vaultDir: string }): Promise<boolean> {
  if (!(await checkPrivateDir(options.vaultDir))) return false;
  const had = (await readPrivateFile(privateKeyPath(options.vaultDir))) !== undefined;
  await rm(privateKeyPath(options.vaultDir), { force: true });
  await rm(publicKeyPath(options.vaultDir), { force: true });
  return had;
}

/** Loads the scope's private key for the agent; distinguishes no key, locked and wrong passphrase. */
export async function loadScopeKey(options: { vaultDir: string; passphrase?: string }): Promise<KeyMaterial> {
  const scope = scopeOfVault(options.vaultDir);
  // The vault root too: a loose <stateRoot>/vault would let others swap scope directories.
  await checkPrivateDir(path.dirname(path.resolve(options.vaultDir)));
  if (!(await checkPrivateDir(options.vaultDir))) throw notFound(options.vaultDir);
  const text = await readPrivateFile(privateKeyPath(options.vaultDir));
  if (text === undefined) throw notFound(options.vaultDir);
  try {
    return openPrivateKey(text, options.passphrase);
  } catch (error) {
    if (!(error instanceof KeyOpenError)) throw error;
    if (error.reason === 'locked') throw new GateError('GATE_VAULT_LOCKED', `the SSH key of scope ${scope} is encrypted and no vault passphrase was given`);
    if (error.reason === 'wrong_passphrase') throw new GateError('GATE_VAULT_PASSPHRASE_WRONG', `the vault passphrase does not decrypt the SSH key of scope ${scope}`);
    throw new GateError('GATE_KEY_INVALID', `the stored SSH key of scope ${scope} is unreadable: ${error.message}`);
  }
}

/** True when the scope has a stored key (without opening it). */
export async function hasScopeKey(vaultDir: string): Promise<boolean> {
  return (await checkPrivateDir(vaultDir)) && (await readPrivateFile(privateKeyPath(vaultDir))) !== undefined;
}

function notFound(vaultDir: string): GateError {
  const scope = scopeOfVault(vaultDir);
  return new GateError('GATE_KEY_NOT_FOUND', `no SSH key is stored for scope ${scope}`, { fix: `Run \`gate ssh-init ${scope}\` and register the printed key upstream as a read-only deploy key.` });
}
