import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ensureStateDirs, vaultDirFor } from '../../config/index.js';
import { GateError } from '../../errors/index.js';
import { exportPublicKey, hasScopeKey, importKey, listKeys, removeKey } from '../../ssh/index.js';
import { isEncryptedKeyText } from '../../ssh/openssh-key-file.js';
import type { App } from '../app.js';
import type { CommandDefinition } from '../app.js';
import type { CliContext } from '../context.js';
import { requireConsent } from '../credentials/confirm-step.js';
import { registerAdvice } from '../credentials/deploy-key-text.js';
import { credentialProject, storedKeyEncrypted, vaultPassphrase } from '../credentials/project-credentials.js';
import { qualifiedAction } from '../credentials/qualified-action.js';
import { promptHidden, readAllStdin, stdinIsTerminal } from '../credentials/secret-input.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { table } from '../format/text.js';

/** The environment variable an encrypted key's own passphrase is read from for `ssh import`. */
export const IMPORT_KEY_PASSPHRASE_ENV = 'GATE_IMPORT_KEY_PASSPHRASE';

/** `gate ssh list|import|export|remove`: the deploy keys in the vault. */
export const defineSsh: CommandDefinition = (program, app) => {
  const ssh = program
    .command('ssh')
    .summary('list, import, export or remove deploy keys')
    .description('Manage the deploy keys in the vault (one per project). Create one with `gate ssh-init <project>`.');
  for (const define of [defineList, defineImport, defineExport, defineRemove]) define(ssh, app);
};

function defineList(ssh: Command, app: App): void {
  ssh
    .command('list')
    .summary('every project with a deploy key: type, fingerprint, encrypted')
    .option('--json', 'print JSON')
    .action(qualifiedAction<{ json?: boolean }>(app, 'ssh list', async (ctx) => {
      const keys = await Promise.all((await listKeys(ctx.paths.vaultDir)).map(async (key) => ({
        project: key.scope, type: key.type, fingerprint: key.fingerprint, encrypted: await storedKeyEncrypted(vaultDirFor(ctx.paths, key.scope)), publicKey: key.publicKey,
      })));
      if (ctx.out.json) ctx.out.emit('ssh list', { keys });
      else if (keys.length === 0) ctx.out.print('no deploy keys stored; create one with `gate ssh-init <project>`');
      else for (const line of table([['PROJECT', 'TYPE', 'FINGERPRINT', 'ENCRYPTED'], ...keys.map((k) => [k.project, k.type, k.fingerprint, k.encrypted ? 'yes' : 'no'])])) ctx.out.print(line);
      return EXIT.ok;
    }));
}

function defineImport(ssh: Command, app: App): void {
  ssh
    .command('import')
    .summary('store an existing private key as a project\'s deploy key')
    .description(`Import an OpenSSH or PEM private key (ed25519, RSA ≥ 2048, ECDSA) from a file, or from stdin with "-". An encrypted key's passphrase is asked for on a terminal, or read from ${IMPORT_KEY_PASSPHRASE_ENV}; never from the command line.`)
    .argument('<project>', 'project name')
    .argument('<file>', 'the private key file, or - for stdin')
    .option('--force', 'replace an existing key')
    .option('--json', 'print JSON')
    .action(qualifiedAction<{ force?: boolean; json?: boolean }>(app, 'ssh import', async (ctx, [name, file], options) => {
      const { project, vaultDir } = await credentialProject(ctx, name!, 'ssh');
      const privateKeyText = await readKeyText(ctx, file!);
      const keyPassphrase = isEncryptedKeyText(privateKeyText) ? await importPassphrase(ctx, file!) : undefined;
      const previous = (await hasScopeKey(vaultDir)) ? await exportPublicKey({ vaultDir }) : undefined;
      const passphrase = await vaultPassphrase(ctx);
      ensureStateDirs(ctx.paths);
      const key = await importKey({
        vaultDir, privateKeyText, force: options.force === true,
        ...(keyPassphrase !== undefined ? { keyPassphrase } : {}), ...(passphrase !== undefined ? { vaultPassphrase: passphrase } : {}),
      });
      const replaced = previous?.fingerprint ?? null;
      if (ctx.out.json) {
        ctx.out.emit('ssh import', { project: project.name, type: key.type, fingerprint: key.fingerprint, publicKey: key.publicKey, encrypted: passphrase !== undefined, replacedFingerprint: replaced });
        return EXIT.ok;
      }
      ctx.out.print(`imported the deploy key of ${project.name} (${key.type}, ${passphrase !== undefined ? 'stored encrypted' : 'stored unencrypted: no vault passphrase is configured'})`);
      ctx.out.print(key.publicKey);
      ctx.out.print(`fingerprint: ${key.fingerprint}`);
      if (replaced !== null) ctx.out.print(`It replaced ${replaced}: remove that key from the upstream's deploy keys.`);
      for (const line of registerAdvice(project.name)) ctx.out.print(line);
      return EXIT.ok;
    }));
}

async function readKeyText(ctx: CliContext, file: string): Promise<string> {
  if (file === '-') return readAllStdin(ctx.io, 64 * 1024);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new GateError('GATE_INVALID_ARGUMENT', `cannot read the key file ${file} (${code})`, { fix: 'Give the path of an OpenSSH or PEM private key file, or - to read it from stdin.' });
  }
}

// The key's own passphrase (not the vault's): from the environment, or typed at a terminal.
// A key piped on stdin leaves no terminal to type on, so then only the environment works.
async function importPassphrase(ctx: CliContext, file: string): Promise<string> {
  const fromEnv = ctx.io.env[IMPORT_KEY_PASSPHRASE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (file !== '-' && stdinIsTerminal(ctx.io)) return promptHidden(ctx.io, `Passphrase of ${file}: `);
  throw new GateError('GATE_KEY_INVALID', `the key in ${file === '-' ? 'stdin' : file} is encrypted and no passphrase for it was given`, {
    fix: `Set ${IMPORT_KEY_PASSPHRASE_ENV} to its passphrase, or run the import on a terminal with the key in a file to be asked.`,
  });
}

function defineExport(ssh: Command, app: App): void {
  ssh
    .command('export')
    .summary('print a project\'s public key line')
    .argument('<project>', 'project name')
    .option('--json', 'print JSON')
    .action(qualifiedAction<{ json?: boolean }>(app, 'ssh export', async (ctx, [name]) => {
      const key = await exportPublicKey({ vaultDir: vaultDirFor(ctx.paths, name!) });
      if (ctx.out.json) ctx.out.emit('ssh export', { project: name, type: key.type, fingerprint: key.fingerprint, publicKey: key.publicKey });
      else ctx.out.print(key.publicKey);
      return EXIT.ok;
    }));
}

function defineRemove(ssh: Command, app: App): void {
  ssh
    .command('remove')
    .summary('delete a project\'s deploy key from the vault')
    .argument('<project>', 'project name')
    .option('--yes', 'do not ask (required without a terminal)')
    .option('--json', 'print JSON')
    .action(qualifiedAction<{ yes?: boolean; json?: boolean }>(app, 'ssh remove', async (ctx, [name], options) => remove(ctx, name!, options.yes)));
}

// A project file need not exist: a key left behind by a deleted project must be removable.
async function remove(ctx: CliContext, name: string, yes: boolean | undefined): Promise<ExitCode> {
  const vaultDir = vaultDirFor(ctx.paths, name);
  const key = (await hasScopeKey(vaultDir)) ? await exportPublicKey({ vaultDir }) : undefined;
  if (key === undefined) {
    if (ctx.out.json) ctx.out.emit('ssh remove', { project: name, removed: false, fingerprint: null });
    else ctx.out.print(`${name} has no deploy key; nothing to remove`);
    return EXIT.ok;
  }
  if (!ctx.out.json) ctx.out.print(`deploy key of ${name}: ${key.type} ${key.fingerprint}`);
  await requireConsent(ctx, { what: `removing the deploy key of ${name}`, question: `Remove the deploy key of ${name}? Syncs over SSH fail until a new one is set up.`, command: `gate ssh remove ${name}`, yes });
  await removeKey({ vaultDir });
  if (ctx.out.json) ctx.out.emit('ssh remove', { project: name, removed: true, fingerprint: key.fingerprint });
  else ctx.out.print(`removed it from the vault; also delete ${key.fingerprint} from the upstream's deploy keys`);
  return EXIT.ok;
}
