// Secrets come in on stdin or at a terminal prompt that does not echo; never from argv, where
// every process on the host can read them (/proc/<pid>/cmdline) and shells keep history.
import { GateError } from '../../errors/index.js';
import type { CliIo } from '../context.js';

type TtyInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

/** Reads all of stdin (a pipe or file), capped so a wrong redirect cannot eat memory. */
export async function readAllStdin(io: CliIo, limit = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > limit) throw new GateError('GATE_INVALID_ARGUMENT', `stdin holds more than ${limit} bytes`, { fix: 'Pipe only the secret (or key file) into the command.' });
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A secret given on stdin: one trailing newline (from `echo` or a file) is not part of it. */
export async function readSecretFromStdin(io: CliIo): Promise<string> {
  return (await readAllStdin(io, 64 * 1024)).replace(/\r?\n$/, '');
}

/** True when stdin is a terminal a human can type into. */
export function stdinIsTerminal(io: CliIo): boolean {
  return (io.stdin as TtyInput).isTTY === true && typeof (io.stdin as TtyInput).setRawMode === 'function';
}

/**
 * Asks for a secret on the terminal with echo off (raw mode; backspace edits, Ctrl-C cancels).
 * The prompt goes to stderr so stdout stays clean for --json and pipes.
 */
export function promptHidden(io: CliIo, question: string): Promise<string> {
  const stdin = io.stdin as TtyInput;
  io.stderr.write(question);
  stdin.setRawMode?.(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          finish();
          reject(new GateError('GATE_CANCELLED', 'cancelled at the prompt', { fix: 'Run the command again when you have the secret at hand.' }));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
