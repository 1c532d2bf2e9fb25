// The cross-process lock around tokens.json's read-modify-write. proper-lockfile's mkdir lock is
// atomic on every local filesystem and carries an mtime heartbeat, so a process that died holding
// it blocks others only until the lock goes stale.
import lockfile from 'proper-lockfile';
import { GateError } from '../errors/index.js';

const STALE_MS = 10_000;
const WAIT_MS = 30_000;

/** Takes `<file>.lock`, waiting up to 30 s for another process; resolves to the release function. */
export async function lockTokenFile(file: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + WAIT_MS;
  let delay = 5;
  for (;;) {
    try {
      return await lockfile.lock(file, { lockfilePath: `${file}.lock`, realpath: false, stale: STALE_MS, retries: 0 });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ELOCKED') throw error;
    }
    if (Date.now() >= deadline) {
      throw new GateError('GATE_LOCK_TIMEOUT', `the token file is locked by another process (waited ${WAIT_MS / 1000} s)`, {
        fix: 'Wait for the other `gate token` command or the daemon to finish; a lock left by a dead process expires after 10 s.',
      });
    }
    // Jitter, so two waiters do not retry in lockstep.
    await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 100);
  }
}
