import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../src/gate/coalesce.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A work function whose runs are started and finished by the test; `signals` holds each run's signal. */
function controlledWork<T>(): { work: (signal?: AbortSignal) => Promise<T>; runs: Array<Deferred<T>>; signals: Array<AbortSignal | undefined> } {
  const runs: Array<Deferred<T>> = [];
  const signals: Array<AbortSignal | undefined> = [];
  return {
    runs,
    signals,
    work: (signal) => {
      const run = deferred<T>();
      runs.push(run);
      signals.push(signal);
      return run.promise;
    },
  };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Coalescer', () => {
  it('ten calls while one run is in flight share one queued follow-up: work runs exactly twice', async () => {
    const coalescer = new Coalescer<string>();
    const { work, runs } = controlledWork<string>();
    const first = coalescer.run('gate', work);
    const rest = Array.from({ length: 9 }, () => coalescer.run('gate', work));
    expect(runs).toHaveLength(1);

    runs[0]!.resolve('run 1');
    await expect(first).resolves.toBe('run 1');
    await settle();
    expect(runs).toHaveLength(2);

    runs[1]!.resolve('run 2');
    // Every caller that arrived while run 1 was in flight gets run 2, which began after its request.
    await expect(Promise.all(rest)).resolves.toEqual(Array(9).fill('run 2'));
    await settle();
    expect(runs).toHaveLength(2);
  });

  it('the queued follow-up does not start before the running one ends', async () => {
    const coalescer = new Coalescer<number>();
    const { work, runs } = controlledWork<number>();
    void coalescer.run('gate', work);
    const queued = coalescer.run('gate', work);
    await settle();
    expect(runs).toHaveLength(1);
    runs[0]!.resolve(1);
    await settle();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve(2);
    await expect(queued).resolves.toBe(2);
  });

  it('a call after a run completed starts a new run', async () => {
    const coalescer = new Coalescer<number>();
    let calls = 0;
    const work = async () => ++calls;
    await expect(coalescer.run('gate', work)).resolves.toBe(1);
    await expect(coalescer.run('gate', work)).resolves.toBe(2);
    expect(calls).toBe(2);
  });

  it('a call while the queued follow-up is running queues another follow-up', async () => {
    const coalescer = new Coalescer<number>();
    const { work, runs } = controlledWork<number>();
    void coalescer.run('gate', work);
    const second = coalescer.run('gate', work);
    runs[0]!.resolve(1);
    await settle();
    expect(runs).toHaveLength(2);
    const third = coalescer.run('gate', work);
    expect(third).not.toBe(second);
    runs[1]!.resolve(2);
    await expect(second).resolves.toBe(2);
    await settle();
    expect(runs).toHaveLength(3);
    runs[2]!.resolve(3);
    await expect(third).resolves.toBe(3);
  });

  it('different keys run independently and at the same time', async () => {
    const coalescer = new Coalescer<string>();
    const a = controlledWork<string>();
    const b = controlledWork<string>();
    const runA = coalescer.run('a', a.work);
    const runB = coalescer.run('b', b.work);
    expect(a.runs).toHaveLength(1);
    expect(b.runs).toHaveLength(1);
    b.runs[0]!.resolve('b');
    a.runs[0]!.resolve('a');
    await expect(Promise.all([runA, runB])).resolves.toEqual(['a', 'b']);
  });

  it('a rejection reaches the callers of that run, and the queued run still proceeds', async () => {
    const coalescer = new Coalescer<string>();
    const { work, runs } = controlledWork<string>();
    const first = coalescer.run('gate', work);
    const queued = [coalescer.run('gate', work), coalescer.run('gate', work)];
    runs[0]!.reject(new Error('upstream unreachable'));
    await expect(first).rejects.toThrow('upstream unreachable');
    await settle();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve('recovered');
    await expect(Promise.all(queued)).resolves.toEqual(['recovered', 'recovered']);
  });

  it('a rejected queued run reaches all its callers, and the next call starts afresh', async () => {
    const coalescer = new Coalescer<string>();
    const { work, runs } = controlledWork<string>();
    const first = coalescer.run('gate', work);
    const queued = [coalescer.run('gate', work), coalescer.run('gate', work)];
    runs[0]!.resolve('ok');
    await first;
    await settle();
    runs[1]!.reject(new Error('disk full'));
    for (const caller of queued) await expect(caller).rejects.toThrow('disk full');
    const next = coalescer.run('gate', work);
    await settle();
    expect(runs).toHaveLength(3);
    runs[2]!.resolve('fine again');
    await expect(next).resolves.toBe('fine again');
  });

  it('a caller that aborts is released with GATE_CANCELLED while the shared run goes on for the others', async () => {
    const coalescer = new Coalescer<string>();
    const { work, runs, signals: seen } = controlledWork<string>();
    const first = coalescer.run('gate', work);
    const leaving = new AbortController();
    const queued = [coalescer.run('gate', work, leaving.signal), coalescer.run('gate', work)];
    runs[0]!.resolve('first');
    await first;
    await settle();
    leaving.abort();
    await expect(queued[0]).rejects.toMatchObject({ code: 'GATE_CANCELLED' });
    expect(seen[1]!.aborted).toBe(false);
    runs[1]!.resolve('follow-up');
    await expect(queued[1]).resolves.toBe('follow-up');
  });

  it('the shared run is cancelled only when every caller waiting for it has aborted', async () => {
    const coalescer = new Coalescer<string>();
    const { work, runs, signals: seen } = controlledWork<string>();
    const a = new AbortController();
    const b = new AbortController();
    const first = coalescer.run('gate', work, a.signal);
    const joined = coalescer.run('gate', work, b.signal);
    const outcomes = Promise.allSettled([first, joined]);
    a.abort();
    // b waits for the queued follow-up, not for this run: nobody waits for it any more.
    expect(seen[0]!.aborted).toBe(true);
    b.abort();
    const settled = await outcomes;
    expect(settled.map((s) => s.status === 'rejected' && (s.reason as { code?: string }).code)).toEqual(['GATE_CANCELLED', 'GATE_CANCELLED']);
    runs[0]!.resolve('late');
  });

  it('two callers of one run: the run goes on until the second one aborts too', async () => {
    const coalescer = new Coalescer<string>();
    const { work, runs, signals: seen } = controlledWork<string>();
    const first = coalescer.run('gate', work);
    const a = new AbortController();
    const b = new AbortController();
    const queued = Promise.allSettled([coalescer.run('gate', work, a.signal), coalescer.run('gate', work, b.signal)]);
    runs[0]!.resolve('first');
    await first;
    await settle();
    a.abort();
    expect(seen[1]!.aborted).toBe(false);
    b.abort();
    expect(seen[1]!.aborted).toBe(true);
    expect((await queued).map((s) => s.status)).toEqual(['rejected', 'rejected']);
    runs[1]!.resolve('late');
  });

  it('a caller whose signal is already aborted gets GATE_CANCELLED and starts no run', async () => {
    const coalescer = new Coalescer<string>();
    const { work, runs } = controlledWork<string>();
    const aborted = AbortSignal.abort();
    await expect(coalescer.run('gate', work, aborted)).rejects.toMatchObject({ code: 'GATE_CANCELLED' });
    expect(runs).toHaveLength(0);
  });
});
