import type { Command } from 'commander';
import { CliContext, type CliIo, type GlobalFlags } from './context.js';
import type { ExitCode } from './exit-codes.js';

/** A command's work: positional arguments and its own options in, an exit code out. */
export type Handler<O> = (ctx: CliContext, args: string[], options: O) => Promise<ExitCode>;

/** Adds one command to the program. The registry (commands/index.ts) lists them all. */
export type CommandDefinition = (program: Command, app: App) => void;

/** One invocation: turns commander's callbacks into handlers that return exit codes. */
export class App {
  exitCode: ExitCode = 0;
  /** The context of the running command, once its action started (for error output). */
  context: CliContext | undefined;

  constructor(readonly io: CliIo) {}

  /** Wraps a handler as a commander action. */
  action<O>(handler: Handler<O>): (...received: unknown[]) => Promise<void> {
    return async (...received) => {
      const command = received[received.length - 1] as Command;
      const options = command.opts() as O & { json?: boolean };
      const globals = command.optsWithGlobals() as GlobalFlags;
      const args = received.slice(0, -2).flat().filter((arg): arg is string => typeof arg === 'string');
      this.context = new CliContext(this.io, { ...globals, json: options.json === true }, command.name());
      this.exitCode = await handler(this.context, args, options);
    };
  }
}
