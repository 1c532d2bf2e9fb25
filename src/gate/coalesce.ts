/**
 * At most one run in flight and one queued per key. A caller arriving while a run is in flight
 * joins the queued run, which starts after the current one ends, so every caller gets a result
 * that began after its request (a sync that started earlier might have missed its trigger).
 */
export class Coalescer<T> {
  private readonly running = new Map<string, Promise<T>>();
  private readonly queued = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const queued = this.queued.get(key);
    if (queued) return queued;
    const current = this.running.get(key);
    if (current) {
      const next = current.then(
        () => undefined,
        () => undefined,
      ).then(() => {
        this.queued.delete(key);
        return this.start(key, work);
      });
      this.queued.set(key, next);
      return next;
    }
    return this.start(key, work);
  }

  private start(key: string, work: () => Promise<T>): Promise<T> {
    const promise = work().finally(() => {
      if (this.running.get(key) === promise) this.running.delete(key);
    });
    this.running.set(key, promise);
    return promise;
  }
}
