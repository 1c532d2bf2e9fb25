// A counting semaphore with abortable waits: the daemon's global limit on concurrent upstream
// syncs. Waiters are served first come, first served.
import { GateError } from '../errors/index.js';

/** At most `limit` holders at once; `run` waits for a slot, and gives up when its signal aborts. */
export class Semaphore {
  private holders = 0;
  private readonly waiters: Array<{ grant: () => void }> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new GateError('GATE_INVALID_ARGUMENT', `the concurrency limit must be a whole number of at least 1, got ${limit}`);
  }

  /** Holders right now. */
  get active(): number {
    return this.holders;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.waiters.length;
  }

  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(cancelled());
    if (this.holders < this.limit) {
      this.holders++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.holders++;
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private release(): void {
    this.holders--;
    this.waiters.shift()?.grant();
  }
}

function cancelled(): GateError {
  return new GateError('GATE_CANCELLED', 'cancelled while waiting for a free upstream sync slot');
}
