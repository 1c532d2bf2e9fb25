// Files that hold secrets: checked on every read (no symlink, ours, no group/other bits) and
// written atomically with exact modes, whatever the process umask is.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { GateError } from '../errors/index.js';

function uid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

function unsafe(what: string, problem: string): GateError {
  return new GateError('GATE_VAULT_UNSAFE', `${what} ${problem}`, { details: { path: what } });
}

function checkStats(what: string, info: { uid: number; mode: number }, kind: 'directory' | 'file'): void {
  const owner = uid();
  if (owner !== undefined && info.uid !== owner) throw unsafe(what, `is owned by uid ${info.uid}, not by this process (uid ${owner})`);
  if ((info.mode & 0o077) !== 0) {
    throw unsafe(what, `has mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}; a vault ${kind} must be ${kind === 'directory' ? '0700' : '0600'} or stricter`);
  }
}

/** Checks a directory that holds secrets; returns false when it does not exist. */
export async function checkPrivateDir(dir: string): Promise<boolean> {
  let info;
  try {
    info = await lstat(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if (info.isSymbolicLink()) throw unsafe(dir, 'is a symlink; the vault never follows symlinks');
  if (!info.isDirectory()) throw unsafe(dir, 'is not a directory');
  checkStats(dir, info, 'directory');
  return true;
}

/** Creates (or checks) a 0700 directory; its parent must already exist. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  if (await checkPrivateDir(dir)) return;
  await mkdir(dir, { mode: 0o700 });
  // mkdir's mode passes through the umask; set it exactly.
  await chmod(dir, 0o700);
  await checkPrivateDir(dir);
}

/**
 * Reads a secret file without following a symlink, checking the opened file itself (so a swap
 * between check and read cannot slip another file in). Returns undefined when it does not exist.
 */
export async function readPrivateFile(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw unsafe(file, 'is a symlink; the vault never follows symlinks');
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw unsafe(file, 'is not a regular file');
    checkStats(file, info, 'file');
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Writes a secret file atomically: a 0600 temp file in the same directory, fsync, rename. */
export async function writePrivateFile(file: string, content: string | Buffer): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
