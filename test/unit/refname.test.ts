import { describe, expect, it } from 'vitest';
import { GateError } from '../../src/errors/index.js';
import { assertBranchName, branchNameProblem, isObjectId, ZERO_OID } from '../../src/git/refname.js';

// Each name below was also run through `git check-ref-format --branch` (git 2.39.5) once; the
// comment says where git-gate is stricter than git on purpose.
describe('branchNameProblem', () => {
  it.each([['main'], ['feature/login'], ['release/1.0'], ['x-'], ['a@b'], ['a/b.c'], ['héllo'], ['refs/heads/x'], ['a'.repeat(255)]])('%s is fine', (name) => {
    expect(branchNameProblem(name)).toBeNull();
  });

  it.each([
    ['', /empty/],
    ['a'.repeat(256), /longer than 255/],
    ['a b', /space, control character/],
    ['a\tb', /space, control character/],
    ['a\nb', /space, control character/],
    ['a\x7fb', /space, control character/],
    ['a~1', /one of ~/],
    ['a^', /one of ~/],
    ['a:b', /one of ~/],
    ['a?', /one of ~/],
    ['a*', /one of ~/],
    ['a[', /one of ~/],
    ['a\\b', /one of ~/],
    ['a..b', /"\.\."/],
    ['a@{1}', /"@\{"/],
    ['HEAD', /reserved/],
    ['/a', /empty path component/],
    ['a/', /empty path component/],
    ['a//b', /empty path component/],
    ['a.', /ends with "\."/],
    ['.a', /starts with "\."/],
    ['a/.b', /starts with "\."/],
    ['-a', /starts with "-"/],
    ['a.lock', /ends with "\.lock"/],
    ['a.lock/b', /ends with "\.lock"/],
  ])('%j is refused, as git refuses it', (name, reason) => {
    expect(branchNameProblem(name)).toMatch(reason);
  });

  it('"a/-b" is refused although git accepts it: a component starting with "-" reads as an option', () => {
    expect(branchNameProblem('a/-b')).toMatch(/starts with "-"/);
  });

  it('"@" is refused although `git check-ref-format --branch` accepts it (it means HEAD there)', () => {
    expect(branchNameProblem('@')).toMatch(/reserved/);
  });
});

describe('assertBranchName', () => {
  it('returns a fine name unchanged', () => {
    expect(assertBranchName('feature/login')).toBe('feature/login');
  });

  it('throws GATE_REF_INVALID naming the problem', () => {
    const error = (() => {
      try {
        assertBranchName('--upload-pack=evil');
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(GateError);
    expect(error).toMatchObject({ code: 'GATE_REF_INVALID' });
    expect((error as GateError).message).toMatch(/"--upload-pack=evil" is not allowed: a component starts with "-"/);
  });

  it('escapes control characters in the name it quotes', () => {
    expect(() => assertBranchName('a\nINFO forged')).toThrow(/"a\\nINFO forged"/);
  });

  it('quotes at most 300 characters of a long name', () => {
    expect(() => assertBranchName('a'.repeat(5000))).toThrow(/^branch name "a{300}" is not allowed/);
  });
});

describe('isObjectId', () => {
  it.each([
    ['7802ed340f1adc23714005257ffb5ec1ddc5723d', true],
    ['a'.repeat(64), true],
    [ZERO_OID, true],
    ['7802ED340F1ADC23714005257FFB5EC1DDC5723D', false],
    ['7802ed3', false],
    ['a'.repeat(41), false],
    ['a'.repeat(63), false],
    ['g'.repeat(40), false],
    [' 7802ed340f1adc23714005257ffb5ec1ddc5723d', false],
    ['7802ed340f1adc23714005257ffb5ec1ddc5723d\n', false],
    ['', false],
  ])('%j → %s', (value, expected) => {
    expect(isObjectId(value)).toBe(expected);
  });

  it('ZERO_OID is forty zeros', () => {
    expect(ZERO_OID).toBe('0000000000000000000000000000000000000000');
  });
});
