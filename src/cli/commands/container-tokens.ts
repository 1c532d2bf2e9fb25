// `gate token mint|list|revoke`: the tokens containers present to the daemon's git endpoint.
// They live in `<state root>/tokens.json` (only their SHA-256), shared with a running daemon
// through the token store's file lock, so minting here needs no daemon.
import { type Command, Option } from 'commander';
import { DURATION_PATTERN, durationMs, ensureStateDirs, loadProject } from '../../config/index.js';
import { GateError } from '../../errors/index.js';
import { assertMintable, type TokenCapability, TokenStore } from '../../server/tokens.js';
import type { App } from '../app.js';
import type { CliContext } from '../context.js';
import { qualifiedAction } from '../credentials/qualified-action.js';
import { EXIT } from '../exit-codes.js';
import { table } from '../format/text.js';

type TokenSubcommand = (token: Command, app: App) => void;

const TOKEN_ID_PATTERN = /^tok_[A-Za-z0-9_-]{12}$/;

function storeOf(ctx: CliContext): TokenStore {
  return new TokenStore(ctx.paths.root);
}

function ttlSeconds(text: string): number {
  if (!DURATION_PATTERN.test(text) || durationMs(text) < 1000) {
    throw new GateError('GATE_INVALID_ARGUMENT', `--ttl must be a duration of at least 1s such as 30m, 24h or 7d, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  return Math.floor(durationMs(text) / 1000);
}

const mint: TokenSubcommand = (token, app) => {
  token
    .command('mint')
    .summary('mint a container token for a project and task (printed once, on stdout)')
    .argument('<project>', 'project name')
    .requiredOption('--task <task>', 'the task the token is for (it scopes the push namespace, e.g. agent/<task>/…)')
    .addOption(new Option('--capability <capability>', 'read (clone/fetch) or write (also push within the policy)').choices(['read', 'write']).default('read'))
    .option('--ttl <duration>', 'how long the token is valid (e.g. 30m, 24h, 7d)', '24h')
    .option('--json', 'print JSON')
    .action(qualifiedAction<{ task: string; capability: TokenCapability; ttl: string; json?: boolean }>(app, 'token mint', async (ctx, [name], options) => {
      const project = await loadProject(ctx.paths, name!);
      assertMintable(project, options.capability);
      const ttl = ttlSeconds(options.ttl);
      ensureStateDirs(ctx.paths);
      const minted = await storeOf(ctx).mint({ project: project.name, task: options.task, capability: options.capability, ttlSeconds: ttl });
      const facts = { id: minted.id, project: project.name, task: options.task, capability: options.capability, expiresAt: minted.expiresAt };
      if (ctx.out.json) {
        ctx.out.emit('token mint', { ...facts, token: minted.token });
      } else {
        // The token alone on stdout, written as it is, so `$(gate token mint …)` captures exactly it.
        ctx.io.stdout.write(`${minted.token}\n`);
        ctx.out.diag(`minted ${minted.id} for ${project.name}, task ${options.task} (${options.capability}, expires ${minted.expiresAt}); the token above is shown only this once`);
      }
      return EXIT.ok;
    }));
};

const list: TokenSubcommand = (token, app) => {
  token
    .command('list')
    .summary('list container tokens (ids and scopes, never the tokens)')
    .argument('[project]', 'only this project\'s tokens')
    .option('--json', 'print JSON')
    .action(qualifiedAction<{ json?: boolean }>(app, 'token list', async (ctx, [name]) => {
      if (name !== undefined) await loadProject(ctx.paths, name);
      const tokens = await storeOf(ctx).list(name);
      const now = Date.now();
      const status = (t: { revokedAt: string | null; expiresAt: string }) => (t.revokedAt !== null ? 'revoked' : Date.parse(t.expiresAt) <= now ? 'expired' : 'active');
      if (ctx.out.json) ctx.out.emit('token list', { tokens: tokens.map((t) => ({ ...t, status: status(t) })) });
      else if (tokens.length === 0) ctx.out.print(name === undefined ? 'no container tokens; mint one with `gate token mint <project> --task <task>`' : `${name} has no container tokens`);
      else {
        const rows = tokens.map((t) => [t.id, t.project, t.task, t.capability, t.expiresAt, status(t)]);
        for (const line of table([['ID', 'PROJECT', 'TASK', 'CAPABILITY', 'EXPIRES', 'STATUS'], ...rows])) ctx.out.print(line);
      }
      return EXIT.ok;
    }));
};

const revoke: TokenSubcommand = (token, app) => {
  token
    .command('revoke')
    .summary('revoke a container token by id (a running daemon refuses it at once)')
    .argument('<id>', 'token id, as `gate token list` shows it (tok_…)')
    .option('--json', 'print JSON')
    .action(qualifiedAction<{ json?: boolean }>(app, 'token revoke', async (ctx, [id]) => {
      if (!TOKEN_ID_PATTERN.test(id!)) throw new GateError('GATE_INVALID_ARGUMENT', `${JSON.stringify(id!.slice(0, 40))} is not a token id; ids look like tok_ followed by 12 characters`, { fix: 'Copy the id from `gate token list` (the id, never the token itself).' });
      if (!(await storeOf(ctx).revoke(id!))) throw new GateError('GATE_TOKEN_NOT_FOUND', `no container token has the id ${id}`);
      if (ctx.out.json) ctx.out.emit('token revoke', { id, revoked: true });
      else ctx.out.print(`revoked ${id}`);
      return EXIT.ok;
    }));
};

/** The container-token subcommands of `gate token`. */
export const CONTAINER_TOKEN_SUBCOMMANDS: readonly TokenSubcommand[] = [mint, list, revoke];
