import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { App } from './app.js';
import { COMMANDS } from './commands/index.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** The `gate` program: global options, then every command in the registry. */
export function buildProgram(app: App): Command {
  const program = new Command('gate')
    .description('A host-side git gate for sandboxed containers: one hardened mirror per project.')
    .version(version(), '--version', 'print the version')
    .option('--home <dir>', 'state root (default: $GATE_HOME, else $XDG_DATA_HOME/git-gate, else ~/.local/share/git-gate)')
    .option('--verbose', 'log what happens (to stderr) and show stack traces of internal errors')
    .option('--no-color', 'never colour output (colour is used only on a terminal, and never with NO_COLOR)')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => app.io.stdout.write(text),
      writeErr: (text) => app.io.stderr.write(text),
      // Parse errors are printed by main in the one-line error format.
      outputError: () => undefined,
    });
  program.addHelpText('after', '\nExit codes: 0 success, 1 failure, 2 usage error, 3 sync left destructive changes pending.\nDocumentation: docs/cli.md and docs/config.md.');
  for (const define of COMMANDS) define(program, app);
  return program;
}
