import { createInterface } from 'node:readline/promises';
import type { CliIo } from './context.js';

/** Asks a yes/no question on the terminal; anything but "y" or "yes" is no. */
export async function confirm(io: CliIo, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
