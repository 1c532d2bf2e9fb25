import { describe, expect, it } from 'vitest';
import { GateError } from '../../src/errors/index.js';
import { assertScope, defaultValidateGate, SCOPE_PATTERN } from '../../src/gate/options.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('assertScope', () => {
  it.each([['a'], ['0'], ['my-project'], ['my.project_2'], ['a'.repeat(63)], ['9lives'], ['a..b'], ['x-']])('%s is a valid scope', (scope) => {
    expect(assertScope(scope)).toBe(scope);
    expect(SCOPE_PATTERN.test(scope)).toBe(true);
  });

  it.each([
    [''],
    ['a'.repeat(64)],
    ['My-Project'],
    ['-project'],
    ['.hidden'],
    ['_private'],
    ['..'],
    ['.'],
    ['a/b'],
    ['../other'],
    ['a b'],
    ['project\n'],
    ['proj\u00e9t'],
    ['a:b'],
  ])('%j is refused with GATE_SCOPE_INVALID', (scope) => {
    const error = thrown(() => assertScope(scope));
    expect(error).toBeInstanceOf(GateError);
    expect(error).toMatchObject({ code: 'GATE_SCOPE_INVALID' });
  });

  it('a non-string is refused with GATE_SCOPE_INVALID rather than a TypeError', () => {
    for (const value of [undefined, null, 42, {}, ['a']]) {
      expect(thrown(() => assertScope(value as unknown as string)), String(value)).toMatchObject({ code: 'GATE_SCOPE_INVALID' });
    }
  });

  it('quotes the refused name escaped and cut to 100 characters', () => {
    const error = thrown(() => assertScope(`A${'b'.repeat(500)}\n`)) as GateError;
    expect(error.message).toBe(`scope ${JSON.stringify(`A${'b'.repeat(99)}`)} is not a valid name`);
  });

  it('the pattern is the one the error registry documents', async () => {
    const { ERROR_CODES } = await import('../../src/errors/index.js');
    expect(ERROR_CODES.GATE_SCOPE_INVALID.summary).toContain(SCOPE_PATTERN.source);
  });
});

describe('defaultValidateGate', () => {
  it('accepts a new gate path', () => {
    expect(() => defaultValidateGate('alpha', 'https://host/a.git', null)).not.toThrow();
  });

  it('accepts a gate path that no scope has claimed yet', () => {
    expect(() => defaultValidateGate('alpha', 'https://host/a.git', { scope: null, upstream: 'https://host/b.git' })).not.toThrow();
  });

  it('accepts the same scope whatever upstream it now names (an upstream change is handled by sync)', () => {
    expect(() => defaultValidateGate('alpha', 'https://host/new.git', { scope: 'alpha', upstream: 'https://host/old.git' })).not.toThrow();
  });

  it('lets two scopes share one gate path when they name the same upstream', () => {
    expect(() => defaultValidateGate('beta', 'https://host/a.git', { scope: 'alpha', upstream: 'https://host/a.git' })).not.toThrow();
  });

  it('refuses a gate path used by another scope with a different upstream', () => {
    const error = thrown(() => defaultValidateGate('beta', 'https://host/b.git', { scope: 'alpha', upstream: 'https://host/a.git' }));
    expect(error).toMatchObject({ code: 'GATE_PATH_CONFLICT' });
    expect((error as GateError).message).toMatch(/scope alpha .* scope beta cannot share it/);
  });

  it('treats remoteless and remote as different upstreams', () => {
    expect(thrown(() => defaultValidateGate('beta', null, { scope: 'alpha', upstream: 'https://host/a.git' }))).toMatchObject({ code: 'GATE_PATH_CONFLICT' });
  });
});
