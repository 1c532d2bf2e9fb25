import type { ApplyResult, GatePlan, GateSyncResult } from '../../gate/index.js';
import type { Style } from '../output.js';
import { changeLines, keptAndTagLines, pendingLines } from './changes.js';
import { capped, count, seconds, shortSha, table } from './text.js';

/** The human sync report: what changed, what was kept, what waits, tags, cache, notes. */
export function syncReportLines(name: string, r: GateSyncResult, style: Style): string[] {
  const from = r.upstreamUrl === null ? ' (remoteless)' : ` from ${r.upstreamUrl}`;
  const lines = [r.success
    ? `${style.bold(`synced ${name}`)}${from} in ${seconds(r.durationMs)}${r.created ? ' (gate created)' : ''}`
    : `${style.red(`sync of ${name}${from} failed`)} after ${seconds(r.durationMs)}; the gate keeps its last good state`];
  lines.push(...changeLines(r.applied, style));
  lines.push(...keptAndTagLines(r.gateOnlyBranches, r.tags));
  lines.push(...pendingLines(r.pending, style));
  if (r.success && r.applied.length === 0 && r.pending.length === 0 && r.upstreamUrl !== null) lines.push('up to date: no branch changed');
  if (r.success) lines.push(cacheLine(r));
  if (r.reinitBundle) lines.push(`old gate saved to ${r.reinitBundle}`);
  if (r.notes.length > 0) lines.push('notes:', ...capped(r.notes.map((note) => `  ${note}`)));
  return lines;
}

function cacheLine(r: GateSyncResult): string {
  if (r.cache.error) return `clone cache: not refreshed (${r.cache.error.code}: ${r.cache.error.message})`;
  if (r.cache.version === null) return 'clone cache: off';
  return `clone cache: version ${r.cache.version}${r.cache.refreshed ? ' (refreshed)' : ' (unchanged)'}`;
}

/** How to apply what is pending, when nothing was applied. */
export function pendingHowTo(name: string): string[] {
  return [
    `nothing destructive was applied; review with \`gate pending ${name}\`, then apply with`,
    `\`gate apply ${name} --all\` (or --branch B), or run \`gate sync ${name} --destructive\``,
  ];
}

/** What applying pending ops did. */
export function appliedOpLines(r: ApplyResult, style: Style): string[] {
  const lines: string[] = [];
  if (r.applied.length > 0) {
    lines.push(`${style.green('applied')} (${r.applied.length}):`);
    const rows = r.applied.map((c, i) => [c.branch, c.kind === 'delete' ? 'deleted' : `${shortSha(c.oldSha)} → ${shortSha(c.newSha)}`, `backup ${r.backups[i]?.ref ?? '-'}`]);
    lines.push(...capped(table(rows, '  ')));
  }
  if (r.refused.length > 0) {
    lines.push(`${style.red('refused')} (${r.refused.length}), the gate or upstream moved since they were planned:`);
    lines.push(...capped(r.refused.map((x) => `  ${x.branch}: ${x.code}`)));
  }
  return lines;
}

/** The human plan: what a sync would do now. */
export function planLines(name: string, p: GatePlan, style: Style): string[] {
  const lines = [style.bold(`plan for ${name}`) + (p.upstreamUrl === null ? ' (remoteless)' : ` from ${p.upstreamUrl}`)];
  lines.push(...changeLines(p.changes, style, { create: 'would create', fast_forward: 'would fast-forward' }));
  lines.push(...keptAndTagLines(p.gateOnlyBranches, p.tags));
  lines.push(...pendingLines(p.pending, style));
  if (p.changes.length === 0 && p.pending.length === 0 && p.tags.created.length === 0) lines.push('nothing to do: the gate matches upstream');
  else lines.push(`sync would apply ${count(p.changes.length, 'change')} and leave ${count(p.pending.length, 'destructive change')} pending`);
  if (p.notes.length > 0) lines.push('notes:', ...capped(p.notes.map((note) => `  ${note}`)));
  return lines;
}
