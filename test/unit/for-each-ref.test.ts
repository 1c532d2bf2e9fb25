import { describe, expect, it } from 'vitest';
import { forEachRefArgs, parseForEachRef } from '../../src/git/commands/for-each-ref.js';

// Captured once from git 2.39.5:
// git for-each-ref '--format=%(objectname) %(refname)' --end-of-options refs/heads/ refs/tags/ refs/pull/
const CAPTURED = [
  '79fde3b7e238151e60fa22d531d276c8e8c5a7c2 refs/heads/feature/login',
  '7802ed340f1adc23714005257ffb5ec1ddc5723d refs/heads/main',
  '79fde3b7e238151e60fa22d531d276c8e8c5a7c2 refs/pull/1/head',
  '7802ed340f1adc23714005257ffb5ec1ddc5723d refs/pull/1/merge',
  'b5c5580b50500d07da7ee778f02f34cb4dba262f refs/tags/v0.9',
  '1ce53ff68ac4db720bd3335ac0a88df49412b55a refs/tags/v1.0',
  '8a45d656c1340f426e318c14a386c9fb5ac1e568 refs/tags/v1.0-light',
  '',
].join('\n');

describe('forEachRefArgs', () => {
  it('prints "<sha> <refname>" and ends options before the prefixes', () => {
    expect(forEachRefArgs(['refs/heads/', '-x'])).toEqual(['for-each-ref', '--format=%(objectname) %(refname)', '--end-of-options', 'refs/heads/', '-x']);
  });
});

describe('parseForEachRef', () => {
  it('maps each captured ref to its object', () => {
    const refs = parseForEachRef(CAPTURED);
    expect(refs.size).toBe(7);
    expect(refs.get('refs/heads/main')).toBe('7802ed340f1adc23714005257ffb5ec1ddc5723d');
    expect(refs.get('refs/heads/feature/login')).toBe('79fde3b7e238151e60fa22d531d276c8e8c5a7c2');
    expect(refs.get('refs/tags/v1.0')).toBe('1ce53ff68ac4db720bd3335ac0a88df49412b55a');
    expect(refs.get('refs/pull/1/merge')).toBe('7802ed340f1adc23714005257ffb5ec1ddc5723d');
  });

  it('reads empty output (no ref under the prefixes, as captured for refs/gate/) as an empty map', () => {
    expect(parseForEachRef('').size).toBe(0);
  });

  it('does not depend on a trailing newline', () => {
    expect(parseForEachRef(CAPTURED.trimEnd())).toEqual(parseForEachRef(CAPTURED));
  });

  it('skips blank lines and lines without a space', () => {
    expect(parseForEachRef('\n\nnonsense\n 7802ed340f1adc23714005257ffb5ec1ddc5723d\n')).toEqual(new Map());
  });
});
