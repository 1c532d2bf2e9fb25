import { GateError } from '../errors/index.js';

/** One run (in flight or queued) and the callers waiting for it. */
interface Run<T> {
  promise: Promise<T>;
  controller: AbortController;
  /** Callers still waiting; the run is cancelled only when this drops to zero. */
  waiting: number;
}

/**
 * At most one run in flight and one queued per key. A caller arriving while a run is in flight
 * joins the queued run, which starts after the current one ends, so every caller gets a result
 * that began after its request (a sync that started earlier might have missed its trigger).
 * A caller's abort signal releases that caller at once (GATE_CANCELLED); the shared run itself is
 * cancelled only when every caller waiting for it has given up, since the others still want it.
 */
export class Coalescer<T> {
  private readonly running = new Map<string, Run<T>>();
  private readonly queued = new Map<string, Run<T>>();

  run(key: string, work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(cancelled());
    const queued = this.queued.get(key);
    if (queued) return this.attach(queued, signal);
    const current = this.running.get(key);
    if (current) {
      const controller = new AbortController();
      const next: Run<T> = {
        controller,
        waiting: 0,
        promise: current.promise.then(() => undefined, () => undefined).then(() => {
          this.queued.delete(key);
          return this.start(key, work, next);
        }),
      };
      this.queued.set(key, next);
      return this.attach(next, signal);
    }
    const run: Run<T> = { controller: new AbortController(), waiting: 0, promise: Promise.resolve(undefined as T) };
    run.promise = this.start(key, work, run);
    return this.attach(run, signal);
  }

  private start(key: string, work: (signal: AbortSignal) => Promise<T>, run: Run<T>): Promise<T> {
    this.running.set(key, run);
    const promise = work(run.controller.signal).finally(() => {
      if (this.running.get(key) === run) this.running.delete(key);
    });
    run.promise = promise;
    return promise;
  }

  // Hands the caller the run's result, or GATE_CANCELLED as soon as its own signal aborts.
  private attach(run: Run<T>, signal?: AbortSignal): Promise<T> {
    run.waiting += 1;
    if (signal === undefined) return run.promise;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        run.waiting -= 1;
        if (run.waiting === 0) run.controller.abort();
        reject(cancelled());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      run.promise.then(
        (value) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }
}

function cancelled(): GateError {
  return new GateError('GATE_CANCELLED', 'cancelled by the caller while waiting for a shared sync; the sync goes on for the other callers');
}
