import type { Command } from 'commander';
import { ensureStateDirs, vaultDirFor } from '../../config/index.js';
import { GateError } from '../../errors/index.js';
import { registerSecret } from '../../log/index.js';
import { removeUpstreamToken, setUpstreamToken, showUpstreamToken } from '../../ssh/index.js';
import type { App, CommandDefinition } from '../app.js';
import type { CliContext } from '../context.js';
import { credentialProject, vaultPassphrase } from '../credentials/project-credentials.js';
import { qualifiedAction } from '../credentials/qualified-action.js';
import { promptHidden, readSecretFromStdin, stdinIsTerminal } from '../credentials/secret-input.js';
import { EXIT } from '../exit-codes.js';
import { CONTAINER_TOKEN_SUBCOMMANDS } from './container-tokens.js';

/** One `gate token …` subcommand. */
type TokenSubcommand = (token: Command, app: App) => void;

/**
 * `gate token mint|list|revoke` (container tokens for the daemon) and
 * `gate token set-upstream|show-upstream|remove-upstream` (the HTTPS upstream token of a project).
 */
export const defineToken: CommandDefinition = (program, app) => {
  const token = program
    .command('token')
    .summary('container tokens (mint, list, revoke) and the HTTPS upstream token of a project')
    .description('mint, list and revoke manage the tokens containers present to the daemon\'s git endpoint (stored only as SHA-256 in the state root). set-upstream, show-upstream and remove-upstream manage the token a project uses to read its HTTPS upstream, kept in its vault (encrypted with a vault passphrase); it is read from stdin or a prompt that does not echo, never from the command line.');
  for (const define of [...CONTAINER_TOKEN_SUBCOMMANDS, ...TOKEN_SUBCOMMANDS]) define(token, app);
};

const setUpstream: TokenSubcommand = (token, app) => {
  token
    .command('set-upstream')
    .summary('store the HTTPS token (from stdin, or a prompt on a terminal)')
    .argument('<project>', 'project name')
    .option('--username <name>', 'the user name sent with the token (default: x-access-token; GitLab uses oauth2 or the token\'s name)')
    .option('--json', 'print JSON')
    .action(qualifiedAction<{ username?: string; json?: boolean }>(app, 'token set-upstream', async (ctx, [name], options) => {
      const { project, vaultDir } = await credentialProject(ctx, name!, 'https');
      const secret = await readToken(ctx, project.name);
      const passphrase = await vaultPassphrase(ctx);
      ensureStateDirs(ctx.paths);
      const { fingerprint } = await setUpstreamToken({ vaultDir, token: secret, ...(options.username !== undefined ? { username: options.username } : {}), ...(passphrase !== undefined ? { passphrase } : {}) });
      const username = options.username ?? 'x-access-token';
      if (ctx.out.json) ctx.out.emit('token set-upstream', { project: project.name, fingerprint, username, encrypted: passphrase !== undefined });
      else ctx.out.print(`stored the upstream token of ${project.name} (${fingerprint}, user ${username}, ${passphrase !== undefined ? 'encrypted' : 'unencrypted: no vault passphrase is configured'}); next: gate sync ${project.name}`);
      return EXIT.ok;
    }));
};

// Registered for redaction the moment it is read, before any check that could echo it.
async function readToken(ctx: CliContext, project: string): Promise<string> {
  const secret = stdinIsTerminal(ctx.io) ? await promptHidden(ctx.io, `Token for ${project} (input hidden): `) : await readSecretFromStdin(ctx.io);
  registerSecret(secret);
  if (secret.trim() === '') {
    throw new GateError('GATE_KEY_INVALID', 'the token is empty; nothing was stored', { fix: `Pipe the token in (\`gate token set-upstream ${project} < token-file\`) or type it at the prompt.` });
  }
  return secret;
}

const showUpstream: TokenSubcommand = (token, app) => {
  token
    .command('show-upstream')
    .summary('show which token is set (fingerprint, user name), never the token')
    .argument('<project>', 'project name')
    .option('--json', 'print JSON')
    .action(qualifiedAction<{ json?: boolean }>(app, 'token show-upstream', async (ctx, [name]) => {
      const shown = await showUpstreamToken({ vaultDir: vaultDirFor(ctx.paths, name!) });
      if (shown === undefined) {
        throw new GateError('GATE_KEY_NOT_FOUND', `no upstream token is stored for ${name}`, { fix: `Store one with \`gate token set-upstream ${name}\` (it reads the token from stdin or a prompt).` });
      }
      if (ctx.out.json) ctx.out.emit('token show-upstream', { project: name, fingerprint: shown.fingerprint, username: shown.username, encrypted: shown.encrypted });
      else ctx.out.print(`${name}: token ${shown.fingerprint}, user ${shown.username}, ${shown.encrypted ? 'encrypted' : 'unencrypted'}`);
      return EXIT.ok;
    }));
};

// Like `ssh remove`, no project file is needed: a token left by a deleted project must go too.
const removeUpstream: TokenSubcommand = (token, app) => {
  token
    .command('remove-upstream')
    .summary('delete the stored token')
    .argument('<project>', 'project name')
    .option('--json', 'print JSON')
    .action(qualifiedAction<{ json?: boolean }>(app, 'token remove-upstream', async (ctx, [name]) => {
      const removed = await removeUpstreamToken({ vaultDir: vaultDirFor(ctx.paths, name!) });
      if (ctx.out.json) ctx.out.emit('token remove-upstream', { project: name, removed });
      else ctx.out.print(removed ? `removed the upstream token of ${name}; revoke it upstream too if it is no longer needed` : `${name} has no upstream token; nothing to remove`);
      return EXIT.ok;
    }));
};

const TOKEN_SUBCOMMANDS: readonly TokenSubcommand[] = [setUpstream, showUpstream, removeUpstream];
