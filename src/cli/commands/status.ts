import { existsSync } from 'node:fs';
import { listProjectNames, readSyncRecord } from '../../config/index.js';
import { isGateError } from '../../errors/index.js';
import type { BranchStaleness } from '../../gate/index.js';
import type { CommandDefinition } from '../app.js';
import type { CliContext } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { ago, table } from '../format/text.js';
import { cancellable } from '../interrupt.js';
import { recordJson, stalenessJson } from '../json-shapes.js';
import { withProjectGate } from '../open-gate.js';

interface StatusOptions {
  usePersonalSsh?: boolean;
  json?: boolean;
}

/** `gate status [<project>]`: staleness per branch, or one row per project. */
export const defineStatus: CommandDefinition = (program, app) => {
  program
    .command('status')
    .summary('how far each gate is behind or ahead of upstream')
    .description('With a project: every mirrored branch against upstream as it is now, and the last sync.\nWithout: one row per project (one upstream check each).')
    .argument('[project]', 'project name (default: every project)')
    .option('--use-personal-ssh', 'use your own SSH agent and set-up for SSH upstreams')
    .option('--json', 'print JSON')
    .action(app.action<StatusOptions>(async (ctx, [name], options) => (name === undefined ? statusAll(ctx, options) : statusOne(ctx, name, options))));
};

interface ProjectStatus {
  project: string;
  mode: string | null;
  upstreamUrl: string | null;
  gatePath: string | null;
  branches: BranchStaleness[];
  /** The gate has not been created yet (never synced). */
  notCreated: boolean;
  error: { code: string; message: string } | null;
}

async function measure(ctx: CliContext, name: string, options: StatusOptions): Promise<ProjectStatus> {
  return withProjectGate(ctx, name, { usePersonalSsh: options.usePersonalSsh }, async ({ gate, project }) => {
    // A remoteless gate has nothing to compare with; a gate never synced has no branches yet.
    const notCreated = !existsSync(project.gate.path);
    const branches = project.upstream === null || notCreated ? [] : await cancellable(ctx, (signal) => gate.staleness({ signal }));
    return { project: project.name, mode: project.mode, upstreamUrl: project.upstream?.url ?? null, gatePath: project.gate.path, branches, notCreated, error: null };
  });
}

async function statusOne(ctx: CliContext, name: string, options: StatusOptions): Promise<ExitCode> {
  const status = await measure(ctx, name, options);
  const record = await readSyncRecord(ctx.paths, name);
  if (ctx.out.json) {
    ctx.out.emit('status', { project: status.project, mode: status.mode, upstreamUrl: status.upstreamUrl, gatePath: status.gatePath, gateCreated: !status.notCreated, lastSync: recordJson(record), branches: status.branches.map(stalenessJson) });
    return EXIT.ok;
  }
  const { out } = ctx;
  out.print(`${out.style.bold(status.project)}  ${status.mode}  ${status.upstreamUrl ?? '(no upstream)'}`);
  out.print(`gate: ${status.gatePath}`);
  out.print(record === null ? 'last sync: never' : `last sync: ${record.finishedAt} (${ago(record.finishedAt)}), ${record.outcome === 'success' ? out.style.green('success') : out.style.red(`failure ${record.errorCode ?? ''}`.trim())}, ${record.counts.pending} pending, clone cache ${record.cacheVersion === null ? 'none' : `version ${record.cacheVersion}`}`);
  if (status.notCreated) out.print(`the gate does not exist yet; create it with \`gate sync ${status.project}\``);
  else if (status.upstreamUrl === null) out.print('remoteless: no upstream to compare with');
  else if (status.branches.length > 0) {
    const rows = [['BRANCH', 'BEHIND', 'AHEAD', 'STATE'], ...status.branches.map((b) => [b.branch, num(b.commitsBehind), num(b.commitsAhead), rowState(ctx, b)])];
    for (const line of table(rows)) out.print(line);
    out.print(`checked ${status.branches[0]!.lastChecked}`);
  } else out.print('no mirrored branches yet');
  return EXIT.ok;
}

function rowState(ctx: CliContext, b: BranchStaleness): string {
  const { style } = ctx.out;
  if (b.error) return style.red(`${b.error.code}: ${b.error.message}`);
  if (b.gateHead === null) return style.yellow('missing in gate');
  if (b.upstreamHead === null) return style.yellow('gone upstream');
  if (b.isStale) return style.yellow('stale');
  if ((b.commitsAhead ?? 0) > 0) return 'ahead (gate work)';
  return style.green('up to date');
}

const num = (n: number | null) => (n === null ? '-' : String(n));

const PARALLEL_CHECKS = 4;

async function statusAll(ctx: CliContext, options: StatusOptions): Promise<ExitCode> {
  const names = await listProjectNames(ctx.paths);
  const results: ProjectStatus[] = new Array(names.length);
  let next = 0;
  // A few upstream checks at a time: one slow upstream must not hold up the rest for long.
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CHECKS, names.length) }, async () => {
    for (let i = next++; i < names.length; i = next++) {
      const name = names[i]!;
      results[i] = await measure(ctx, name, options).catch((error: unknown) => {
        if (!isGateError(error)) throw error;
        return { project: name, mode: null, upstreamUrl: null, gatePath: null, branches: [], notCreated: false, error: { code: error.code, message: error.message } };
      });
    }
  }));
  const records = await Promise.all(names.map((name) => readSyncRecord(ctx.paths, name)));
  const rows = results.map((s, i) => ({
    project: s.project, mode: s.mode, upstreamUrl: s.upstreamUrl,
    branches: s.branches.length, stale: s.branches.filter((b) => b.isStale).length, errors: s.branches.filter((b) => b.error !== null).length,
    lastSync: recordJson(records[i] ?? null), error: s.error,
  }));
  if (ctx.out.json) {
    ctx.out.emit('status', { projects: rows });
    return EXIT.ok;
  }
  if (rows.length === 0) {
    ctx.out.print('no projects yet; create one with `gate init <project> --upstream URL`');
    return EXIT.ok;
  }
  const lines = [['PROJECT', 'MODE', 'BRANCHES', 'STALE', 'LAST SYNC', 'OUTCOME'], ...rows.map((r) => [
    r.project, r.mode ?? '-', r.error ? '-' : String(r.branches), r.error ? '-' : String(r.stale),
    r.lastSync ? ago(r.lastSync.finishedAt) : 'never',
    r.error ? ctx.out.style.red(r.error.code) : r.errors > 0 ? ctx.out.style.yellow(`${r.errors} check error(s)`) : r.lastSync?.outcome ?? '-',
  ])];
  for (const line of table(lines)) ctx.out.print(line);
  return EXIT.ok;
}
