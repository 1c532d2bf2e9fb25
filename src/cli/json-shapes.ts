// The --json shapes of results. They are spelled out field by field (not passed through) so a
// change in the library cannot change the CLI's documented output by accident.
import type { ApplyResult, AppliedChange, BackupRef, BranchStaleness, GatePlan, GateSyncResult, MaintenanceReport, PendingOp, SyncError } from '../gate/index.js';
import type { SyncRecord } from '../config/index.js';

export const changeJson = (c: AppliedChange) => ({ branch: c.branch, kind: c.kind, oldSha: c.oldSha, newSha: c.newSha });
export const pendingJson = (op: PendingOp) => ({ branch: op.branch, kind: op.kind, reason: op.reason, gateSha: op.gateSha, upstreamSha: op.upstreamSha, lossless: op.lossless, gateOnlyCommits: op.gateOnlyCommits });
export const backupJson = (b: BackupRef) => ({ ref: b.ref, branch: b.branch, sha: b.sha, createdAt: b.createdAt });
export const errorJson = (e: SyncError) => ({ code: e.code, message: e.message, fix: e.fix, ...(e.failureClass ? { failureClass: e.failureClass } : {}) });
const tagsJson = (tags: GatePlan['tags']) => ({ created: [...tags.created], moved: tags.moved.map((t) => ({ tag: t.tag, gateSha: t.gateSha, upstreamSha: t.upstreamSha })) });

export function syncJson(r: GateSyncResult) {
  return {
    success: r.success, created: r.created, migrated: r.migrated, fetched: r.fetched, durationMs: r.durationMs,
    gatePath: r.path, upstreamUrl: r.upstreamUrl, protocolVersion: r.protocolVersion,
    applied: r.applied.map(changeJson), pending: r.pending.map(pendingJson), gateOnlyBranches: [...r.gateOnlyBranches],
    tags: tagsJson(r.tags), cache: { refreshed: r.cache.refreshed, version: r.cache.version, error: r.cache.error ? errorJson(r.cache.error) : null },
    reinitBundle: r.reinitBundle, notes: [...r.notes], errors: r.errors.map(errorJson),
  };
}

export function planJson(p: GatePlan) {
  return { upstreamUrl: p.upstreamUrl, changes: p.changes.map(changeJson), pending: p.pending.map(pendingJson), gateOnlyBranches: [...p.gateOnlyBranches], tags: tagsJson(p.tags), notes: [...p.notes] };
}

export function applyJson(r: ApplyResult) {
  return { applied: r.applied.map(changeJson), backups: r.backups.map(backupJson), refused: r.refused.map((x) => ({ branch: x.branch, code: x.code, message: x.message })) };
}

export const stalenessJson = (s: BranchStaleness) => ({
  branch: s.branch, gateHead: s.gateHead, upstreamHead: s.upstreamHead, isStale: s.isStale, commitsBehind: s.commitsBehind, commitsAhead: s.commitsAhead,
  lastChecked: s.lastChecked, error: s.error ? { code: s.error.code, message: s.error.message } : null,
});

export const recordJson = (r: SyncRecord | null) => (r === null ? null : {
  finishedAt: r.finishedAt, outcome: r.outcome, errorCode: r.errorCode, durationMs: r.durationMs, counts: { ...r.counts }, cacheVersion: r.cacheVersion,
});

export const maintenanceJson = (r: MaintenanceReport) => ({ steps: r.steps.map((s) => ({ step: s.step, durationMs: s.durationMs })) });
