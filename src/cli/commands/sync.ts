import { writeSyncRecord } from '../../config/index.js';
import type { ApplyResult, GateSyncResult } from '../../gate/index.js';
import type { CommandDefinition } from '../app.js';
import type { CliContext } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { appliedOpLines, pendingHowTo, syncReportLines } from '../format/sync-report.js';
import { applyJson, syncJson } from '../json-shapes.js';
import { withProjectGate } from '../open-gate.js';
import { cancellable } from '../interrupt.js';
import { terminalProgress } from '../progress.js';
import { confirm } from '../prompt.js';
import { collect } from './options.js';

interface SyncCliOptions {
  branch: string[];
  forceReinit?: boolean;
  destructive?: boolean;
  usePersonalSsh?: boolean;
  json?: boolean;
}

/** `gate sync <project>`: sync, record the outcome, then apply pending ops only when confirmed. */
export const defineSync: CommandDefinition = (program, app) => {
  program
    .command('sync')
    .summary('bring the gate up to date with upstream')
    .description('Create and fast-forward branches from upstream. Rewrites and deletions upstream become pending\nchanges, applied only with --destructive or after a [y/N] prompt on a terminal (a backup ref is written first).')
    .argument('<project>', 'project name')
    .option('--branch <branch>', 'sync only this branch (repeatable; default: the project\'s sync.branches); tags then wait for a full sync', collect, [])
    .option('--force-reinit', 'wipe and rebuild the gate (its refs are saved to a bundle first)')
    .option('--destructive', 'apply pending destructive changes without asking (backups are written first)')
    .option('--use-personal-ssh', 'use your own SSH agent and set-up for an SSH upstream')
    .option('--json', 'print JSON')
    .action(app.action<SyncCliOptions>(async (ctx, [name], options) => {
      return withProjectGate(ctx, name!, { usePersonalSsh: options.usePersonalSsh }, async ({ gate, project }) => {
        if ((ctx.io.stderr as { isTTY?: boolean }).isTTY && !ctx.out.json) {
          ctx.out.diag(project.upstream ? `syncing ${project.name} from ${project.upstream.url} …` : `syncing ${project.name} (remoteless) …`);
        }
        const progress = terminalProgress(ctx);
        const result = await cancellable(ctx, (signal) => gate.sync({
          branches: options.branch.length > 0 ? options.branch : project.sync.branches, forceReinit: options.forceReinit === true, signal,
          ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
        })).finally(() => progress.done());
        let applied: ApplyResult | null = null;
        let reportShown = false;
        try {
          if (result.success && result.pending.length > 0) {
            if (options.destructive) applied = await gate.applyPendingOps(result.pending);
            else if (ctx.interactive) {
              // The human sees the report before being asked.
              for (const line of syncReportLines(project.name, result, ctx.out.style)) ctx.out.print(line);
              reportShown = true;
              if (await confirm(ctx.io, `Apply ${result.pending.length} pending destructive change(s)? Each branch's old tip is backed up first.`)) {
                applied = await gate.applyPendingOps(result.pending);
              }
            }
          }
        } finally {
          await recordOutcome(ctx, project.name, result, applied);
        }
        return finish(ctx, project.name, result, applied, !reportShown);
      });
    }));
};

function finish(ctx: CliContext, name: string, result: GateSyncResult, applied: ApplyResult | null, printReport: boolean): ExitCode {
  const leftPending = applied === null ? result.pending.length : applied.refused.length;
  if (ctx.out.json) ctx.out.emit('sync', { project: name, ...syncJson(result), pendingApplied: applied === null ? null : applyJson(applied) });
  else {
    if (printReport) for (const line of syncReportLines(name, result, ctx.out.style)) ctx.out.print(line);
    if (applied !== null) for (const line of appliedOpLines(applied, ctx.out.style)) ctx.out.print(line);
    else if (result.success && leftPending > 0) for (const line of pendingHowTo(name)) ctx.out.print(line);
  }
  const firstError = result.errors[0];
  if (firstError !== undefined) {
    ctx.out.error(firstError);
    return EXIT.failure;
  }
  return leftPending > 0 ? EXIT.pending : EXIT.ok;
}

// The record is written whatever happened, so `gate status` can say when the last sync failed;
// its pending count is what is left after any changes applied here.
async function recordOutcome(ctx: CliContext, name: string, result: GateSyncResult, applied: ApplyResult | null): Promise<void> {
  await writeSyncRecord(ctx.paths, {
    schemaVersion: 1,
    project: name,
    finishedAt: new Date().toISOString(),
    outcome: result.success ? 'success' : 'failure',
    errorCode: result.errors[0]?.code ?? null,
    durationMs: result.durationMs,
    counts: { applied: result.applied.length + (applied?.applied.length ?? 0), pending: applied === null ? result.pending.length : applied.refused.length, gateOnly: result.gateOnlyBranches.length, tagsCreated: result.tags.created.length },
    cacheVersion: result.cache.version,
  });
}
