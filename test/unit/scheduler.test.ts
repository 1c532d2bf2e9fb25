import { describe, expect, it } from 'vitest';
import { GateError } from '../../src/errors/index.js';
import type { Clock } from '../../src/server/clock.js';
import { EventBus } from '../../src/server/events.js';
import { Scheduler, type SyncOutcome } from '../../src/server/scheduler.js';

// A clock that moves only when the test says so; timers fire in due order.
class FakeClock implements Clock {
  time = 1_000_000;
  private timers: Array<{ at: number; callback: () => void; id: number }> = [];
  private nextId = 1;
  now = () => this.time;
  setTimer = (callback: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  };
  clearTimer = (handle: unknown) => {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  };
  get pending(): number[] {
    return this.timers.map((timer) => timer.at - this.time).sort((a, b) => a - b);
  }
  /** Moves time forward, firing due timers, and lets the promise chains they start settle. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.callback();
      await flush();
    }
    this.time = end;
    await flush();
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

const ok: SyncOutcome = { success: true, errors: [] };
const fail = (code: string, failureClass?: string): SyncOutcome => ({ success: false, errors: [{ code, ...(failureClass ? { failureClass } : {}) }] });

function setUp(options: { interval?: number | null; syncs?: SyncOutcome[]; checks?: boolean[]; events?: EventBus } = {}) {
  const clock = new FakeClock();
  const calls: string[] = [];
  const syncs = [...(options.syncs ?? [])];
  const checks = [...(options.checks ?? [])];
  const scheduler = new Scheduler({
    projects: () => [{ name: 'demo', intervalMs: options.interval === undefined ? 60_000 : options.interval }],
    sync: async (name, trigger) => {
      calls.push(`sync:${trigger}`);
      return syncs.shift() ?? ok;
    },
    checkUpstream: async () => {
      calls.push('check');
      const changed = checks.shift() ?? false;
      return { changed, reason: changed ? 'moved' : 'same' };
    },
    clock,
    random: () => 0.5, // no jitter, so delays are exact
    ...(options.events ? { events: options.events } : {}),
  });
  return { clock, calls, scheduler };
}

describe('scheduler', () => {
  it('syncs every project at start, then checks upstream once per interval', async () => {
    const { clock, calls, scheduler } = setUp({ checks: [false, false] });
    await scheduler.start();
    expect(calls).toEqual(['sync:startup']);
    expect(clock.pending).toEqual([60_000]);
    await clock.advance(59_999);
    expect(calls).toEqual(['sync:startup']);
    await clock.advance(1);
    expect(calls).toEqual(['sync:startup', 'check']);
    await clock.advance(60_000);
    expect(calls).toEqual(['sync:startup', 'check', 'check']);
    expect(scheduler.status('demo')).toMatchObject({ state: 'waiting', failures: 0, lastCheck: { changed: false } });
  });

  it('skips the sync when upstream is unchanged and syncs when it moved', async () => {
    const { clock, calls, scheduler } = setUp({ checks: [false, true, false] });
    await scheduler.start();
    await clock.advance(180_000);
    expect(calls).toEqual(['sync:startup', 'check', 'check', 'sync:schedule', 'check']);
  });

  it('applies jitter of at most ±10% to the interval', async () => {
    const clock = new FakeClock();
    const make = (random: number) => new Scheduler({ projects: () => [{ name: 'p', intervalMs: 100_000 }], sync: async () => ok, checkUpstream: async () => ({ changed: false, reason: '' }), clock, random: () => random });
    await make(0).start();
    await make(0.999_999).start();
    expect(clock.pending).toEqual([90_000, 110_000]);
  });

  it('retries network failures with growing delays, then returns to the interval after a success', async () => {
    const unreachable = fail('GATE_UPSTREAM_UNREACHABLE', 'network_failed');
    const { clock, calls, scheduler } = setUp({ interval: 3_600_000, syncs: [unreachable, unreachable, unreachable, ok] });
    await scheduler.start();
    expect(clock.pending).toEqual([15_000]);
    await clock.advance(15_000);
    expect(clock.pending).toEqual([30_000]);
    await clock.advance(30_000);
    expect(clock.pending).toEqual([60_000]);
    expect(scheduler.status('demo')).toMatchObject({ failures: 3, state: 'waiting' });
    await clock.advance(60_000);
    // Retries go straight to a sync (no check first); the success resets the schedule.
    expect(calls).toEqual(['sync:startup', 'sync:schedule', 'sync:schedule', 'sync:schedule']);
    expect(clock.pending).toEqual([3_600_000]);
    expect(scheduler.status('demo')?.failures).toBe(0);
  });

  it('backs off moderately for other failures', async () => {
    const { clock, scheduler } = setUp({ syncs: [fail('GATE_LOCK_TIMEOUT')] });
    await scheduler.start();
    expect(clock.pending).toEqual([60_000]);
  });

  it.each(['GATE_UPSTREAM_AUTH_FAILED', 'GATE_HOST_KEY_MISMATCH', 'GATE_HOST_KEY_UNKNOWN', 'GATE_AUTH_NOT_CONFIGURED', 'GATE_VAULT_LOCKED'])('parks a project on %s and never retries on its own', async (code) => {
    const { clock, calls, scheduler } = setUp({ syncs: [fail(code)] });
    await scheduler.start();
    expect(scheduler.status('demo')).toMatchObject({ state: 'parked', parkedBy: code, nextRunAt: null });
    expect(clock.pending).toEqual([]);
    await clock.advance(24 * 3_600_000);
    expect(calls).toEqual(['sync:startup']);
  });

  it('a failing upstream check counts as a failure of its class', async () => {
    const clock = new FakeClock();
    const scheduler = new Scheduler({
      projects: () => [{ name: 'demo', intervalMs: 60_000 }],
      sync: async () => ok,
      checkUpstream: async () => {
        throw Object.assign(new GateError('GATE_UPSTREAM_AUTH_FAILED', 'denied'), { failureClass: 'auth_failed' });
      },
      clock,
      random: () => 0.5,
    });
    await scheduler.start();
    await clock.advance(60_000);
    expect(scheduler.status('demo')).toMatchObject({ state: 'parked', parkedBy: 'GATE_UPSTREAM_AUTH_FAILED' });
  });

  it('a successful sync through the API un-parks the project', async () => {
    const events = new EventBus();
    const { clock, scheduler } = setUp({ syncs: [fail('GATE_UPSTREAM_AUTH_FAILED')], events });
    await scheduler.start();
    const finished = { trigger: 'api' as const, durationMs: 1, applied: 0, pending: 0, gateOnly: 0 };
    events.publish('sync.finished', { project: 'demo', success: false, errorCode: 'GATE_UPSTREAM_AUTH_FAILED', failureClass: 'auth_failed', ...finished });
    expect(scheduler.status('demo')?.state).toBe('parked');
    events.publish('sync.finished', { project: 'demo', success: true, errorCode: null, failureClass: null, ...finished });
    expect(scheduler.status('demo')).toMatchObject({ state: 'waiting', parkedBy: null, failures: 0 });
    expect(clock.pending).toEqual([60_000]);
  });

  it('an API sync that fails for a network reason moves a parked project onto the retry path', async () => {
    const events = new EventBus();
    const { clock, scheduler } = setUp({ syncs: [fail('GATE_HOST_KEY_UNKNOWN')], events });
    await scheduler.start();
    events.publish('sync.finished', { project: 'demo', trigger: 'api', success: false, errorCode: 'GATE_UPSTREAM_UNREACHABLE', failureClass: 'network_failed', durationMs: 1, applied: 0, pending: 0, gateOnly: 0 });
    expect(scheduler.status('demo')?.state).toBe('waiting');
    expect(clock.pending).toEqual([30_000]);
  });

  it('resume() un-parks and runs at once', async () => {
    const { calls, scheduler } = setUp({ syncs: [fail('GATE_UPSTREAM_AUTH_FAILED')], checks: [true] });
    await scheduler.start();
    await scheduler.resume('demo');
    expect(calls).toEqual(['sync:startup', 'check', 'sync:schedule']);
    expect(scheduler.status('demo')?.state).toBe('waiting');
  });

  it('a project without an interval is synced at start only, and its failures are not retried', async () => {
    const { clock, calls, scheduler } = setUp({ interval: null, syncs: [fail('GATE_UPSTREAM_UNREACHABLE', 'network_failed')] });
    await scheduler.start();
    await clock.advance(24 * 3_600_000);
    expect(calls).toEqual(['sync:startup']);
    expect(scheduler.status('demo')).toMatchObject({ state: 'idle', failures: 1 });
  });

  it('stop() clears every timer and a run finishing afterwards plans nothing', async () => {
    const clock = new FakeClock();
    let release: (value: SyncOutcome) => void = () => undefined;
    const scheduler = new Scheduler({
      projects: () => [{ name: 'a', intervalMs: 1000 }, { name: 'b', intervalMs: 1000 }],
      sync: (name) => (name === 'a' ? Promise.resolve(ok) : new Promise<SyncOutcome>((resolve) => { release = resolve; })),
      checkUpstream: async () => ({ changed: true, reason: '' }),
      clock,
    });
    const started = scheduler.start();
    await flush();
    expect(clock.pending).toHaveLength(1);
    scheduler.stop();
    expect(clock.pending).toEqual([]);
    release(ok);
    await started;
    expect(clock.pending).toEqual([]);
  });
});
