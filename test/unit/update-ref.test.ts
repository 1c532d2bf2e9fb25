import { describe, expect, it } from 'vitest';
import { updateRefArgs, updateRefInput } from '../../src/git/commands/update-ref.js';

const A = '7802ed340f1adc23714005257ffb5ec1ddc5723d';
const B = '79fde3b7e238151e60fa22d531d276c8e8c5a7c2';

// The format was checked once against git 2.39.5, which answered "start: ok", "prepare: ok",
// "commit: ok" for a create + delete transaction written this way.
describe('updateRefArgs', () => {
  it('reads the transaction from stdin with a reflog message', () => {
    expect(updateRefArgs('git-gate: sync')).toEqual(['update-ref', '-m', 'git-gate: sync', '--stdin']);
  });
});

describe('updateRefInput', () => {
  it('frames every transaction with start, prepare and commit, ending in a newline', () => {
    expect(updateRefInput([])).toBe('start\nprepare\ncommit\n');
  });

  it('writes a create line that requires the ref to be absent', () => {
    expect(updateRefInput([{ op: 'create', ref: 'refs/heads/new', newSha: A }])).toBe(`start\ncreate refs/heads/new ${A}\nprepare\ncommit\n`);
  });

  it('writes an update line with the new value first and the expected old value second', () => {
    expect(updateRefInput([{ op: 'update', ref: 'refs/heads/main', newSha: B, oldSha: A }])).toBe(`start\nupdate refs/heads/main ${B} ${A}\nprepare\ncommit\n`);
  });

  it('writes a delete line guarded by the expected old value', () => {
    expect(updateRefInput([{ op: 'delete', ref: 'refs/gate/attic/main', oldSha: A }])).toBe(`start\ndelete refs/gate/attic/main ${A}\nprepare\ncommit\n`);
  });

  it('keeps several updates in the given order inside one transaction', () => {
    const input = updateRefInput([
      { op: 'create', ref: 'refs/gate/backup/main/20260101T000000.000Z-' + A, newSha: A },
      { op: 'update', ref: 'refs/heads/main', newSha: B, oldSha: A },
      { op: 'delete', ref: 'refs/heads/gone', oldSha: B },
    ]);
    expect(input.split('\n')).toEqual([
      'start',
      `create refs/gate/backup/main/20260101T000000.000Z-${A} ${A}`,
      `update refs/heads/main ${B} ${A}`,
      `delete refs/heads/gone ${B}`,
      'prepare',
      'commit',
      '',
    ]);
    expect(input.match(/^start$/gm)).toHaveLength(1);
    expect(input.match(/^commit$/gm)).toHaveLength(1);
  });
});
