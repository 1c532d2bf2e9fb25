import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, failureKindOf, retryAfter } from '../../src/server/backoff.js';
import { withJitter } from '../../src/server/jitter.js';

describe('failure kinds', () => {
  it.each([
    ['GATE_UPSTREAM_AUTH_FAILED', null],
    ['GATE_HOST_KEY_UNKNOWN', null],
    ['GATE_HOST_KEY_MISMATCH', null],
    ['GATE_AUTH_NOT_CONFIGURED', null],
    ['GATE_VAULT_LOCKED', null],
    ['GATE_GIT_FAILED', 'auth_failed'],
  ])('%s (%s) waits for an operator', (code, failureClass) => {
    expect(failureKindOf(code, failureClass)).toBe('operator');
  });

  it.each([
    ['GATE_UPSTREAM_UNREACHABLE', 'network_failed'],
    ['GATE_GIT_TIMEOUT', 'timeout'],
    ['GATE_GIT_FAILED', 'network_failed'],
  ])('%s (%s) is a network failure', (code, failureClass) => {
    expect(failureKindOf(code, failureClass)).toBe('network');
  });

  it.each([['GATE_LOCK_TIMEOUT', null], ['GATE_DISK_FULL', 'disk_full'], ['GATE_CORRUPT_OBJECT', 'corrupt_object'], [null, null]])('%s (%s) gets moderate backoff', (code, failureClass) => {
    expect(failureKindOf(code, failureClass)).toBe('other');
  });
});

describe('retry delays', () => {
  it('operator failures park instead of retrying', () => {
    expect(retryAfter('operator', 1)).toEqual({ park: true });
    expect(retryAfter('operator', 9)).toEqual({ park: true });
  });

  it('network failures double from 15 s and stop growing at 15 minutes', () => {
    const delays = [1, 2, 3, 4, 7, 8, 50].map((n) => retryAfter('network', n));
    expect(delays.map((d) => (d.park ? -1 : d.delayMs))).toEqual([15_000, 30_000, 60_000, 120_000, 900_000, 900_000, 900_000]);
  });

  it('other failures start at a minute and are capped at an hour', () => {
    expect(retryAfter('other', 1)).toEqual({ park: false, delayMs: 60_000 });
    expect(retryAfter('other', 100)).toEqual({ park: false, delayMs: DEFAULT_BACKOFF.other.maxMs });
  });

  it('a custom policy is honoured', () => {
    expect(retryAfter('network', 3, { network: { firstMs: 10, maxMs: 25 }, other: { firstMs: 1, maxMs: 1 } })).toEqual({ park: false, delayMs: 25 });
  });
});

describe('jitter', () => {
  it('stays within ±10% and reaches both ends', () => {
    expect(withJitter(60_000, () => 0)).toBe(54_000);
    expect(withJitter(60_000, () => 0.999_999_9)).toBe(66_000);
    expect(withJitter(60_000, () => 0.5)).toBe(60_000);
    for (let i = 0; i < 1000; i++) {
      const value = withJitter(1000);
      expect(value).toBeGreaterThanOrEqual(900);
      expect(value).toBeLessThanOrEqual(1100);
    }
  });

  it('spreads equal intervals apart', () => {
    const values = new Set(Array.from({ length: 50 }, () => withJitter(300_000)));
    expect(values.size).toBeGreaterThan(10);
  });
});
