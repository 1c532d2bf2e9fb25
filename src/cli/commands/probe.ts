import { resolveUsePersonalSsh } from '../../config/index.js';
import { GateError } from '../../errors/index.js';
import { defaultTransport } from '../../gate/transport.js';
import { GitRunner, inspectRemote, parseUpstreamUrl } from '../../git/index.js';
import type { CommandDefinition } from '../app.js';
import { EXIT } from '../exit-codes.js';
import { cancellable } from '../interrupt.js';
import { shortSha, table } from '../format/text.js';

interface ProbeOptions {
  allowLocal?: boolean;
  usePersonalSsh?: boolean;
  json?: boolean;
}

/**
 * `gate probe <url>`: what an upstream advertises, through the same URL allow-list, hardened
 * runner and transport rules as a sync; nothing is fetched or written.
 */
export const defineProbe: CommandDefinition = (program, app) => {
  program
    .command('probe')
    .summary('show what an upstream advertises (HEAD, ref counts, protocol)')
    .argument('<url>', 'upstream URL')
    .option('--allow-local', 'permit a local path or file:// URL')
    .option('--use-personal-ssh', 'use your own SSH agent and set-up for an SSH URL')
    .option('--json', 'print JSON')
    .action(app.action<ProbeOptions>(async (ctx, [url], options) => {
      const global = await ctx.global();
      const upstream = parseUpstreamUrl(url!, { allowLocal: options.allowLocal === true, stateRoot: ctx.paths.root });
      const personal = resolveUsePersonalSsh({ usePersonalSsh: options.usePersonalSsh }, null, global);
      if (upstream.kind === 'ssh' && !personal) {
        throw new GateError('GATE_AUTH_NOT_CONFIGURED', 'probing an SSH URL needs credentials, and a probe has no project whose deploy key it could use', {
          fix: 'Pass --use-personal-ssh to probe with your own SSH agent and set-up.',
        });
      }
      const transport = await defaultTransport(upstream, personal, 'probe')();
      const runner = new GitRunner({ logger: ctx.logger(global) });
      const inspection = await cancellable(ctx, (signal) => inspectRemote(runner, upstream, { signal, env: transport.env, config: transport.config, ...(global.git.networkTimeoutMs !== null ? { timeoutMs: global.git.networkTimeoutMs } : {}) }));
      const head = inspection.headTarget !== undefined || inspection.headSha !== undefined ? { branch: inspection.headTarget ?? null, sha: inspection.headSha ?? null } : null;
      const counts = { branches: inspection.heads.size, tags: inspection.tags.size, other: inspection.otherRefCount };
      if (ctx.out.json) ctx.out.emit('probe', { url: upstream.url, kind: upstream.kind, protocolVersion: inspection.protocolVersion ?? null, head, counts });
      else {
        const rows = [
          ['url', upstream.url],
          ['protocol', inspection.protocolVersion === undefined ? 'unknown' : `v${inspection.protocolVersion}`],
          ['HEAD', head === null ? '(none advertised)' : `${head.branch ?? '(detached)'} ${shortSha(head.sha)}`],
          ['branches', String(counts.branches)],
          ['tags', String(counts.tags)],
          ['other refs', String(counts.other)],
        ];
        for (const line of table(rows)) ctx.out.print(line);
      }
      return EXIT.ok;
    }));
};
