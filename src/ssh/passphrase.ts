// Where the vault passphrase comes from. Resolved once per operation and registered as a secret
// so it is redacted from any output. The command runs without a shell: an argv from the
// operator's config is executed as given, and nothing from a repository or container reaches it.
import { execFile } from 'node:child_process';
import { GateError } from '../errors/index.js';
import { registerSecret } from '../log/index.js';
import { readPrivateFile } from './private-files.js';

/** The environment variable read for the vault passphrase. */
export const VAULT_PASSPHRASE_ENV = 'GATE_VAULT_PASSPHRASE';

/** Configured passphrase sources; the first that is set wins: value, environment, command, file. */
export interface PassphraseSource {
  /** A passphrase already in hand (e.g. typed at a prompt). */
  value?: string;
  /** Environment to read GATE_VAULT_PASSPHRASE from; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * A command whose first stdout line is the passphrase. Run without a shell: an argv as given,
   * or a string split on whitespace (no quoting, globbing or expansion; use an argv or a wrapper
   * script when an argument contains spaces).
   */
  command?: string | readonly string[];
  /** A file whose first line is the passphrase; same ownership and mode rules as vault files. */
  file?: string;
}

const COMMAND_TIMEOUT_MS = 30_000;

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}

/** Resolves the passphrase, or undefined when no source is configured (the vault is unencrypted). */
export async function resolvePassphrase(source: PassphraseSource = {}): Promise<string | undefined> {
  const found = await find(source);
  if (found === undefined || found.length === 0) return undefined;
  registerSecret(found);
  return found;
}

async function find(source: PassphraseSource): Promise<string | undefined> {
  if (source.value !== undefined) return source.value;
  const fromEnv = (source.env ?? process.env)[VAULT_PASSPHRASE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const argv = typeof source.command === 'string' ? source.command.trim().split(/\s+/).filter(Boolean) : source.command;
  if (argv !== undefined && argv.length > 0) return runCommand(argv);
  if (source.file !== undefined) {
    const text = await readPrivateFile(source.file);
    if (text === undefined) throw new GateError('GATE_VAULT_LOCKED', `the vault passphrase file ${source.file} does not exist`);
    return firstLine(text);
  }
  return undefined;
}

function runCommand(argv: readonly string[]): Promise<string> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    execFile(file!, args, { shell: false, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 64 * 1024, encoding: 'utf8' }, (error, stdout) => {
      // Neither stdout nor stderr goes into the message: either may hold the passphrase.
      if (error) {
        const code = (error as { code?: unknown }).code;
        reject(new GateError('GATE_VAULT_LOCKED', `the vault passphrase command ${JSON.stringify(file)} failed (${typeof code === 'number' ? `exit ${code}` : String(code ?? error.name)})`));
        return;
      }
      resolve(firstLine(stdout));
    });
  });
}
