import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { GateError } from '../errors/index.js';
import type { Logger } from '../log/index.js';

/** Who holds a gate lock; written once, inside the lock directory. */
interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/** A held gate lock. */
export interface HeldLock {
  /** True when the previous owner died holding the lock: leftovers need cleaning. */
  readonly recovered: boolean;
  trackChild(pid: number): void;
  untrackChild(pid: number): void;
  release(): Promise<void>;
}

/** Options for acquiring a lock. */
export interface LockOptions {
  waitMs?: number;
  /** An owner whose heartbeat is older than this is presumed dead (other hosts, NFS). */
  staleMs?: number;
  signal?: AbortSignal;
  logger: Logger;
}

const OWNER_FILE = 'owner.json';
/** Process groups of the git processes the owner started, one per line, appended (for orphan clean-up). */
const CHILDREN_FILE = 'children';
const OWNERLESS_GRACE_MS = 2_000;

/**
 * One writer per gate across processes. proper-lockfile gives an atomic mkdir lock with an mtime
 * heartbeat; on top of it, an owner file lets a same-host waiter see at once that the owner died
 * (no heartbeat wait) and kill the git processes it left running, which would otherwise go on
 * writing into the gate.
 */
export async function acquireGateLock(lockPath: string, options: LockOptions): Promise<HeldLock> {
  const waitMs = options.waitMs ?? 10 * 60_000;
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + waitMs;
  let recovered = false;
  let delay = 20;
  let release: (() => Promise<void>) | undefined;
  mkdirSync(path.dirname(lockPath), { recursive: true, mode: 0o700 });
  for (;;) {
    if (options.signal?.aborted) throw new GateError('GATE_CANCELLED', 'cancelled while waiting for the gate lock');
    const existedBefore = existsSync(lockPath);
    try {
      release = await lockfile.lock(lockPath, {
        lockfilePath: lockPath,
        realpath: false,
        stale: staleMs,
        update: Math.max(1000, Math.floor(staleMs / 3)),
        retries: 0,
        onCompromised: (error) => options.logger.error({ err: error, lockPath }, 'gate lock compromised; another process may have taken it over'),
      });
      // It existed, yet we got it without waiting on a live owner: proper-lockfile found it stale.
      if (existedBefore) recovered = true;
      break;
    } catch (error) {
      const code = (error as { code?: string }).code;
      // proper-lockfile removes a stale lock with rmdir, which our owner file would block.
      if (code === 'ENOTEMPTY') {
        removeOwner(lockPath);
        continue;
      }
      if (code !== 'ELOCKED') throw error;
    }
    const owner = readOwner(lockPath);
    const deadHere = owner !== undefined && owner.host === os.hostname() && !isAlive(owner.pid);
    // A live owner writes its owner file right after mkdir; none after a few seconds means it died in between.
    const abandoned = owner === undefined && heartbeatOlderThan(lockPath, OWNERLESS_GRACE_MS);
    if (deadHere || abandoned || heartbeatOlderThan(lockPath, staleMs)) {
      options.logger.warn({ lockPath, deadPid: owner?.pid }, 'previous gate lock owner died; recovering');
      if (owner) await killOrphans(readChildren(lockPath));
      removeOwner(lockPath);
      markStale(lockPath);
      recovered = true;
      continue;
    }
    if (Date.now() >= deadline) {
      throw new GateError('GATE_LOCK_TIMEOUT', `gate is locked by ${owner ? `pid ${owner.pid} on ${owner.host} since ${owner.startedAt}` : 'another process'} (waited ${Math.round(waitMs / 1000)} s)`);
    }
    await sleep(delay, options.signal);
    delay = Math.min(delay * 2, 500);
  }

  const owner: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  writeFileSync(path.join(lockPath, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
  const held = release;
  return {
    recovered,
    // Appended, never rewritten: rewriting a file on every spawn made ext4 flush it each time
    // (its replace-by-truncate heuristic). A group that has exited is harmless in the list, since
    // recovery kills only a process with the same pid AND start time (never a reused pid).
    trackChild(pid) {
      try {
        appendFileSync(path.join(lockPath, CHILDREN_FILE), `${pid} ${startTimeOf(pid) ?? '-'}\n`, { mode: 0o600 });
      } catch {
        // The lock may already be released; nothing to record.
      }
    },
    untrackChild() {
      // Nothing to do: see trackChild.
    },
    async release() {
      removeOwner(lockPath);
      await held().catch((error: unknown) => options.logger.warn({ err: error, lockPath }, 'gate lock release failed'));
    },
  };
}

/** Who holds a gate lock, and whether that owner died on this host (`gate doctor` reports it). */
export function inspectGateLock(lockPath: string): { pid: number; host: string; startedAt: string; deadHere: boolean } | undefined {
  const owner = readOwner(lockPath);
  if (owner === undefined || typeof owner.pid !== 'number') return undefined;
  return { ...owner, deadHere: owner.host === os.hostname() && !isAlive(owner.pid) };
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path.join(lockPath, OWNER_FILE), 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

function removeOwner(lockPath: string): void {
  rmSync(path.join(lockPath, CHILDREN_FILE), { force: true });
  rmSync(path.join(lockPath, OWNER_FILE), { force: true });
}

function readChildren(lockPath: string): Array<{ pid: number; start: string }> {
  try {
    return readFileSync(path.join(lockPath, CHILDREN_FILE), 'utf8').split('\n').map((line) => /^(\d+) (\d+)$/.exec(line)).filter((m) => m !== null).map((m) => ({ pid: Number(m[1]), start: m[2]! }));
  } catch {
    return [];
  }
}

// A process's start time in clock ticks since boot (/proc/<pid>/stat field 22): with the pid, it
// names one process for good. Undefined off Linux or once the process is gone.
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces or parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function heartbeatOlderThan(lockPath: string, staleMs: number): boolean {
  try {
    return Date.now() - statSync(lockPath).mtimeMs > staleMs;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

// Make proper-lockfile see the dead owner's lock as stale on the next attempt.
function markStale(lockPath: string): void {
  try {
    utimesSync(lockPath, new Date(0), new Date(0));
  } catch {
    // Gone already: the next attempt simply takes it.
  }
}

// Kill process groups the dead owner started that are still running: the same pid with the same
// start time (a pid reused since is left alone). Linux-only; elsewhere nothing is recorded.
async function killOrphans(children: ReadonlyArray<{ pid: number; start: string }>): Promise<void> {
  for (const { pid, start } of children) {
    if (startTimeOf(pid) !== start) continue;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      continue;
    }
    for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i++) await sleep(20);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
