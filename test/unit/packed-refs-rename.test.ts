// renamePackedRefs: a first sync's clone leaves every ref in packed-refs; the new gate's refs are
// moved into refs/gate/incoming by rewriting that one file, or by update-ref when it looks odd.
import { describe, expect, it } from 'vitest';
import { renamePackedRefs } from '../../src/gate/clone-new-gate.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('renamePackedRefs', () => {
  it('renames heads and tags into incoming, keeps peeled lines and order, and drops every other ref', () => {
    const text = [
      '# pack-refs with: peeled fully-peeled sorted ',
      `${A} refs/heads/feature/x`,
      `${B} refs/heads/main`,
      `${C} refs/notes/commits`,
      `^${A}`,
      `${C} refs/tags/v1`,
      `^${A}`,
      `${B} refs/tags/v2`,
      '',
    ].join('\n');
    expect(renamePackedRefs(text)).toBe([
      '# pack-refs with: peeled fully-peeled sorted ',
      `${A} refs/gate/incoming/heads/feature/x`,
      `${B} refs/gate/incoming/heads/main`,
      `${C} refs/gate/incoming/tags/v1`,
      `^${A}`,
      `${B} refs/gate/incoming/tags/v2`,
      '',
    ].join('\n'));
  });

  it('keeps the file sorted: every incoming head sorts before every incoming tag, as heads did before tags', () => {
    const text = `${A} refs/heads/zzz\n${B} refs/tags/aaa\n`;
    const names = renamePackedRefs(text)!.trim().split('\n').map((line) => line.split(' ')[1]!);
    expect(names).toEqual([...names].sort());
  });

  it('gives up (null) on anything it does not understand, so update-ref does the move', () => {
    expect(renamePackedRefs(`${A} refs/heads/main\nnot a ref line\n`)).toBeNull();
    expect(renamePackedRefs(`${A.slice(1)} refs/heads/main\n`)).toBeNull();
    expect(renamePackedRefs(`${A} refs/heads/main\n^nothex\n`)).toBeNull();
    expect(renamePackedRefs('# pack-refs with: sorted \n')).toBe('# pack-refs with: sorted \n');
  });
});
