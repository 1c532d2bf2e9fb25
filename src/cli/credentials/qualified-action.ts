import type { Command } from 'commander';
import type { App, Handler } from '../app.js';
import { CliContext, type GlobalFlags } from '../context.js';

/**
 * `app.action` for a subcommand (`gate ssh list`): the same wiring, but the context carries the
 * full name, so the --json envelope (success and error alike) says "ssh list", not "list".
 * App.action names the context after commander's leaf name, which is ambiguous for subcommands.
 */
export function qualifiedAction<O>(app: App, name: string, handler: Handler<O>): (...received: unknown[]) => Promise<void> {
  return async (...received) => {
    const command = received[received.length - 1] as Command;
    const options = command.opts() as O & { json?: boolean };
    const globals = command.optsWithGlobals() as GlobalFlags;
    const args = received.slice(0, -2).flat().filter((arg): arg is string => typeof arg === 'string');
    app.context = new CliContext(app.io, { ...globals, json: options.json === true }, name);
    app.exitCode = await handler(app.context, args, options);
  };
}
