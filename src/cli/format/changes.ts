import type { AppliedChange, PendingOp } from '../../gate/index.js';
import type { Style } from '../output.js';
import { capped, count, shortSha, table } from './text.js';

type Tags = { created: readonly string[]; moved: ReadonlyArray<{ tag: string; gateSha: string; upstreamSha: string }> };

/** Why a pending op waits, in words. */
export function pendingReason(op: PendingOp): string {
  const why = { upstream_rewrite: 'upstream rewrote history', upstream_delete: 'upstream deleted the branch', diverged: 'the gate branch diverged from upstream', unknown_provenance: 'the gate branch never matched upstream' }[op.reason];
  const loss = op.lossless ? 'lossless' : `would discard ${count(op.gateOnlyCommits, 'gate-local commit')}`;
  return `${why}; ${loss}`;
}

/** Created and fast-forwarded branches, grouped, with short shas. */
export function changeLines(changes: readonly AppliedChange[], style: Style, verbs = { create: 'created', fast_forward: 'fast-forwarded' }): string[] {
  const lines: string[] = [];
  const created = changes.filter((c) => c.kind === 'create');
  const forwarded = changes.filter((c) => c.kind === 'fast_forward');
  if (created.length > 0) {
    lines.push(`${style.green(verbs.create)} (${created.length}):`);
    lines.push(...capped(table(created.map((c) => [c.branch, shortSha(c.newSha)]), '  ')));
  }
  if (forwarded.length > 0) {
    lines.push(`${style.green(verbs.fast_forward)} (${forwarded.length}):`);
    lines.push(...capped(table(forwarded.map((c) => [c.branch, `${shortSha(c.oldSha)} → ${shortSha(c.newSha)}`]), '  ')));
  }
  return lines;
}

/** Pending destructive changes, one per line with the reason. */
export function pendingLines(pending: readonly PendingOp[], style: Style): string[] {
  if (pending.length === 0) return [];
  const rows = pending.map((op) => [
    op.branch,
    op.kind === 'delete' ? 'delete' : 'force-update',
    op.kind === 'delete' ? shortSha(op.gateSha) : `${shortSha(op.gateSha)} → ${shortSha(op.upstreamSha)}`,
    op.lossless ? pendingReason(op) : style.red(pendingReason(op)),
  ]);
  return [`${style.yellow('pending destructive changes')} (${pending.length}):`, ...capped(table(rows, '  '))];
}

/** Gate-only branches kept, and tag news. */
export function keptAndTagLines(gateOnly: readonly string[], tags: Tags): string[] {
  const lines: string[] = [];
  if (gateOnly.length > 0) {
    lines.push(`kept gate-only branches (${gateOnly.length}):`, ...capped(gateOnly.map((b) => `  ${b}`)));
  }
  if (tags.created.length > 0) {
    const shown = tags.created.slice(0, 5).join(', ');
    lines.push(`tags created (${tags.created.length}): ${shown}${tags.created.length > 5 ? `, … and ${tags.created.length - 5} more` : ''}`);
  }
  if (tags.moved.length > 0) {
    lines.push(`tags moved upstream, kept as they are in the gate (${tags.moved.length}):`);
    lines.push(...capped(tags.moved.map((t) => `  ${t.tag}  gate ${shortSha(t.gateSha)}, upstream ${shortSha(t.upstreamSha)}`)));
  }
  return lines;
}
