import { describe, expect, it } from 'vitest';
import { ERROR_CODES, fixFor, GateError, isGateError } from '../../src/errors/index.js';

describe('GateError', () => {
  it('toJSON gives exactly code, message, fix and details', () => {
    const error = new GateError('GATE_BRANCH_NOT_FOUND', 'no branch "x" in the gate', { details: { branch: 'x', count: 0, stale: false, owner: null } });
    expect(error.toJSON()).toEqual({
      code: 'GATE_BRANCH_NOT_FOUND',
      message: 'no branch "x" in the gate',
      fix: ERROR_CODES.GATE_BRANCH_NOT_FOUND.fix,
      details: { branch: 'x', count: 0, stale: false, owner: null },
    });
    expect(Object.keys(error.toJSON()).sort()).toEqual(['code', 'details', 'fix', 'message']);
  });

  it('JSON.stringify uses the same shape and leaves the stack and cause out', () => {
    const error = new GateError('GATE_DISK_FULL', 'no space', { cause: new Error('ENOSPC: /secret/path') });
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'GATE_DISK_FULL', message: 'no space', fix: ERROR_CODES.GATE_DISK_FULL.fix, details: {} });
  });

  it('the fix defaults to the registry text for its code', () => {
    for (const code of Object.keys(ERROR_CODES) as Array<keyof typeof ERROR_CODES>) {
      expect(new GateError(code, 'm').fix, code).toBe(ERROR_CODES[code].fix);
      expect(fixFor(code)).toBe(ERROR_CODES[code].fix);
    }
  });

  it('a fix given by the thrower replaces the registry text', () => {
    const error = new GateError('GATE_AUTH_NOT_CONFIGURED', 'no key for scope alpha', { fix: 'run `gate ssh-init alpha`' });
    expect(error.fix).toBe('run `gate ssh-init alpha`');
    expect(error.toJSON().fix).toBe('run `gate ssh-init alpha`');
  });

  it('details default to an empty object', () => {
    expect(new GateError('GATE_CLOSED', 'closed').details).toEqual({});
  });

  it('is an Error named GateError with its message, and keeps the cause when given', () => {
    const cause = new Error('underlying');
    const error = new GateError('GATE_GIT_FAILED', 'git failed', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('GateError');
    expect(error.message).toBe('git failed');
    expect(error.cause).toBe(cause);
    expect(error.stack).toContain('GateError');
  });

  it('has no cause property when none is given', () => {
    expect('cause' in new GateError('GATE_CLOSED', 'closed')).toBe(false);
  });
});

describe('isGateError', () => {
  it('recognises a GateError of any code, or of the given code only', () => {
    const error = new GateError('GATE_LOCK_TIMEOUT', 'locked');
    expect(isGateError(error)).toBe(true);
    expect(isGateError(error, 'GATE_LOCK_TIMEOUT')).toBe(true);
    expect(isGateError(error, 'GATE_LOCK_CONTENTION')).toBe(false);
  });

  it('rejects plain errors and look-alike objects', () => {
    expect(isGateError(new Error('x'))).toBe(false);
    expect(isGateError({ code: 'GATE_CLOSED', message: 'x', fix: 'y', details: {} })).toBe(false);
    expect(isGateError(null)).toBe(false);
    expect(isGateError(undefined)).toBe(false);
  });
});
