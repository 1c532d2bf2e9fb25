import type { CliContext } from './context.js';

/** Where a long fetch's progress goes: one rewritten line on a terminal, nowhere otherwise. */
export interface TerminalProgress {
  onProgress?: (line: string) => void;
  /** Clears the progress line so the report starts on a clean line. */
  done(): void;
}

const MAX_WIDTH = 100;

/**
 * git's own progress lines, shown only when stderr is a terminal and the output is for a human
 * (never with --json, never into a pipe or a log). Lines arrive sanitised.
 */
export function terminalProgress(ctx: CliContext): TerminalProgress {
  const stderr = ctx.io.stderr;
  if (stderr.isTTY !== true || ctx.out.json) return { done: () => undefined };
  let shown = false;
  return {
    onProgress: (line) => {
      shown = true;
      stderr.write(`\r\x1b[K${line.slice(0, MAX_WIDTH)}`);
    },
    done: () => {
      if (shown) stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}
