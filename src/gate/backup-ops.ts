import { GateError } from '../errors/index.js';
import type { RefUpdate } from '../git/index.js';
import { BackupNamer, findBackup, listBackupRefs, parseBackupRef } from './backups.js';
import type { GateContext } from './context.js';
import { HEADS } from './layout.js';
import { readRefState } from './ref-state.js';
import { applyRefUpdates } from './transaction.js';
import type { BackupRef } from './types.js';

/** Restores a branch to a backup; a different current tip is itself backed up in the same transaction. */
export async function restoreFromBackup(ctx: GateContext, ref: string): Promise<{ branch: string; sha: string; backupOfCurrent: BackupRef | null }> {
  const state = await readRefState(ctx.runner, ctx.gatePath);
  const backup = findBackup(state.backups, ref);
  const current = state.heads.get(backup.branch);
  if (current === backup.sha) return { branch: backup.branch, sha: backup.sha, backupOfCurrent: null };
  const updates: RefUpdate[] = [];
  let backupOfCurrent: BackupRef | null = null;
  if (current !== undefined) {
    const save = new BackupNamer(state.backups.keys()).backup(backup.branch, current);
    updates.push(save);
    backupOfCurrent = parseBackupRef(save.ref, current);
    updates.push({ op: 'update', ref: `${HEADS}${backup.branch}`, newSha: backup.sha, oldSha: current });
  } else {
    updates.push({ op: 'create', ref: `${HEADS}${backup.branch}`, newSha: backup.sha });
  }
  const { skipped } = await applyRefUpdates(ctx.runner, ctx.gatePath, updates, 'git-gate: restore backup', () => backup.branch);
  if (skipped.length > 0) throw new GateError('GATE_LOCK_CONTENTION', `branch ${backup.branch} moved while restoring; nothing was changed`);
  return { branch: backup.branch, sha: backup.sha, backupOfCurrent };
}

/** Deletes one git-gate backup ref (never a ref git-gate did not name). */
export async function deleteBackupRef(ctx: GateContext, ref: string): Promise<BackupRef> {
  const state = await readRefState(ctx.runner, ctx.gatePath);
  const backup = findBackup(state.backups, ref);
  const { skipped } = await applyRefUpdates(ctx.runner, ctx.gatePath, [{ op: 'delete', ref: backup.ref, oldSha: backup.sha }], 'git-gate: delete backup');
  if (skipped.length > 0) throw new GateError('GATE_LOCK_CONTENTION', `backup ${backup.ref} changed while deleting it; nothing was deleted`);
  return backup;
}

/**
 * Deletes git-gate backups older than `olderThanDays`; returns what went. `known` is the backup
 * refs as the caller read them under the same gate lock (sync has them already), saving a read.
 */
export async function pruneBackupRefs(ctx: GateContext, olderThanDays: number, known?: ReadonlyMap<string, string>): Promise<BackupRef[]> {
  if (!Number.isFinite(olderThanDays) || olderThanDays < 0) throw new GateError('GATE_INVALID_ARGUMENT', `olderThanDays must be a number >= 0, got ${olderThanDays}`);
  const backups = known ?? (await readRefState(ctx.runner, ctx.gatePath).catch(() => null))?.backups;
  if (backups === undefined) return [];
  const cutoff = Date.now() - olderThanDays * 86_400_000;
  const old = listBackupRefs(backups).filter((backup) => Date.parse(backup.createdAt) < cutoff);
  if (old.length === 0) return [];
  const { applied } = await applyRefUpdates(ctx.runner, ctx.gatePath, old.map((b) => ({ op: 'delete', ref: b.ref, oldSha: b.sha })), 'git-gate: prune old backups');
  const gone = new Set(applied.map((u) => u.ref));
  return old.filter((b) => gone.has(b.ref));
}
