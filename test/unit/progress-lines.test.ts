import { describe, expect, it } from 'vitest';
import { progressLineSplitter } from '../../src/git/progress-lines.js';

describe('progressLineSplitter', () => {
  it('turns carriage-return rewrites and newlines into whole lines, across chunk boundaries', () => {
    const lines: string[] = [];
    const feed = progressLineSplitter((line) => lines.push(line));
    feed('Receiving objects:  50% (1/2)\rReceiv');
    feed(Buffer.from('ing objects: 100% (2/2), done.\nResolving deltas: 100% (0/0)'));
    expect(lines).toEqual(['Receiving objects:  50% (1/2)', 'Receiving objects: 100% (2/2), done.']);
    feed('\n');
    expect(lines.at(-1)).toBe('Resolving deltas: 100% (0/0)');
  });

  it('escapes control bytes from the remote so they cannot drive the terminal, and drops blank lines', () => {
    const lines: string[] = [];
    const feed = progressLineSplitter((line) => lines.push(line));
    feed('remote: \x1b]0;owned\x07 Counting objects\n\r\n   \n');
    expect(lines).toHaveLength(1);
    // eslint-disable-next-line no-control-regex -- asserting control bytes are absent
    expect(lines[0]).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(lines[0]).toContain('Counting objects');
  });
});
