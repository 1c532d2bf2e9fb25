import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { capped, table } from '../../src/cli/format/text.js';
import { Output, wantsColor } from '../../src/cli/output.js';

function capture(json = false, color = false) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const read = (stream: PassThrough) => String(stream.read() ?? '');
  return { out: new Output({ json, color, stdout, stderr }), stdout: () => read(stdout), stderr: () => read(stderr) };
}

describe('cli output', () => {
  it('escapes control bytes and redacts URL userinfo in everything it prints', () => {
    const io = capture();
    io.out.print('branch \x1b[2Jevil from https://user:tok3n-secret@host/x');
    expect(io.stdout()).toBe('branch \\x1b[2Jevil from https://***@host/x\n');
    io.out.error({ code: 'GATE_X', message: 'two\nlines', fix: 'do \x07this' });
    expect(io.stderr()).toBe('gate: error GATE_X: two lines\nfix: do \\x07this\n');
  });

  it('colours only when asked, and text from outside cannot forge a colour', () => {
    const plain = capture(false, false);
    plain.out.print(plain.out.style.red('x'));
    expect(plain.stdout()).toBe('x\n');
    const coloured = capture(false, true);
    coloured.out.print(`${coloured.out.style.red('x')} \x1b[31mforged`);
    expect(coloured.stdout()).toBe('\x1b[31mx\x1b[39m \\x1b[31mforged\n');
  });

  it('wraps --json documents in a versioned envelope', () => {
    const io = capture(true, true);
    io.out.emit('list', { projects: [] });
    expect(JSON.parse(io.stdout())).toEqual({ schemaVersion: 1, command: 'list', projects: [] });
  });

  it('wants colour only on a TTY, without NO_COLOR and without --no-color', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    expect(wantsColor(tty, {}, true)).toBe(true);
    expect(wantsColor(tty, { NO_COLOR: '1' }, true)).toBe(false);
    expect(wantsColor(tty, { NO_COLOR: '' }, true)).toBe(true);
    expect(wantsColor(tty, {}, false)).toBe(false);
    expect(wantsColor(new PassThrough(), {}, true)).toBe(false);
  });

  it('caps long lists with "… and N more" and aligns tables', () => {
    expect(capped(['a', 'b', 'c', 'd'], 2)).toEqual(['a', 'b', '… and 2 more']);
    expect(capped(['a', 'b'], 2)).toEqual(['a', 'b']);
    expect(table([['NAME', 'X'], ['long-name', 'y']])).toEqual(['NAME       X', 'long-name  y']);
  });
});
