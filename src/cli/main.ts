import { CommanderError } from 'commander';
import { GateError, isGateError } from '../errors/index.js';
import { sanitize } from '../log/index.js';
import { App } from './app.js';
import type { CliIo } from './context.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { buildProgram } from './program.js';

/** Runs `gate` with the given argv (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const app = new App(io);
  const program = buildProgram(app);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return app.exitCode;
  } catch (error) {
    const commandNames = new Set(program.commands.map((command) => command.name()));
    return reportFailure(app, error, argv.includes('--verbose'), argv.find((arg) => commandNames.has(arg)));
  }
}

// Every failure ends here: one line with the code, one with the fix, exit 1 (2 for usage).
// With --json the same problem is also the JSON document on stdout.
function reportFailure(app: App, error: unknown, verbose: boolean, commandName: string | undefined): ExitCode {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return EXIT.ok;
    // Help was already printed to stderr (e.g. `gate` with no command).
    if (error.code === 'commander.help') return EXIT.usage;
    const message = error.message.replace(/^error: /, '');
    printProblem(app, new GateError('GATE_USAGE', message, { fix: usageFix(error, commandName) }));
    return EXIT.usage;
  }
  if (isGateError(error)) {
    printProblem(app, error);
    if (verbose && error.stack) app.io.stderr.write(`${sanitize(error.stack)}\n`);
    return error.code === 'GATE_USAGE' ? EXIT.usage : EXIT.failure;
  }
  const internal = error instanceof Error ? error : new Error(String(error));
  app.io.stderr.write(`${sanitize(`gate: internal error: ${internal.message}`)}\n`);
  app.io.stderr.write(verbose && internal.stack ? `${sanitize(internal.stack)}\n` : 'fix: run again with --verbose for details, and report it if it persists.\n');
  return EXIT.failure;
}

function printProblem(app: App, error: GateError): void {
  const out = app.context?.out;
  if (out?.json) out.emit(commandName(app), { error: error.toJSON() });
  if (out) out.error(error);
  else app.io.stderr.write(`${sanitize(`gate: error ${error.code}: ${error.message.replace(/\s*\n\s*/g, ' ')}`)}\nfix: ${sanitize(error.fix)}\n`);
}

function commandName(app: App): string {
  return app.context?.commandName ?? 'gate';
}

function usageFix(error: CommanderError, commandName: string | undefined): string {
  if (error.code === 'commander.unknownCommand' || commandName === undefined) return 'Run `gate --help` to list the commands.';
  return `Run \`gate ${commandName} --help\` to see its usage.`;
}
