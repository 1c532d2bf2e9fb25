import type { RefUpdate } from '../git/index.js';
import { BackupNamer, parseBackupRef } from './backups.js';
import type { ClassifyInput } from './classify.js';
import { classifyByWalking } from './classify-walk.js';
import type { GateContext } from './context.js';
import { ATTIC, FOREIGN, HEADS } from './layout.js';
import { readRefState, type RefState } from './ref-state.js';
import { applyRefUpdates } from './transaction.js';
import type { AppliedChange, BackupRef, PendingOp } from './types.js';

/** What applying pending ops did. */
export interface ApplyResult {
  applied: AppliedChange[];
  backups: BackupRef[];
  refused: Array<{ branch: string; code: 'GATE_PENDING_STALE'; message: string }>;
}

/**
 * Pending ops as of the last sync, from refs alone (no network): the classification sync made,
 * replayed against the snapshot it recorded.
 */
export async function readPendingOps(ctx: GateContext, state?: RefState): Promise<PendingOp[]> {
  const refs = state ?? (await readRefState(ctx.runner, ctx.gatePath));
  const input: ClassifyInput = { heads: refs.heads, snapshot: refs.snapshot, attic: refs.attic, foreign: refs.foreign, upstream: refs.snapshot, selected: null };
  return (await classifyByWalking(ctx.runner, ctx.gatePath, input, ctx.logger)).pending;
}

/**
 * Applies confirmed pending ops. Each op must still match the gate (its branch at gateSha, the
 * snapshot at upstreamSha): otherwise it is refused, not guessed at. For each op, one
 * transaction group writes the backup ref and moves or deletes the branch with compare-and-swap,
 * so a branch is never changed without its backup. Backups are never deleted here.
 */
export async function applyPendingOps(ctx: GateContext, ops: readonly PendingOp[]): Promise<ApplyResult> {
  const state = await readRefState(ctx.runner, ctx.gatePath);
  const current = new Map((await readPendingOps(ctx, state)).map((op) => [op.branch, op]));
  const result: ApplyResult = { applied: [], backups: [], refused: [] };
  const namer = new BackupNamer(state.backups.keys());
  const updates: RefUpdate[] = [];
  const backupByBranch = new Map<string, RefUpdate & { op: 'create' }>();
  for (const op of ops) {
    const now = current.get(op.branch);
    if (now === undefined || now.kind !== op.kind || now.gateSha !== op.gateSha || now.upstreamSha !== op.upstreamSha) {
      result.refused.push({ branch: op.branch, code: 'GATE_PENDING_STALE', message: `pending ${op.kind} of ${op.branch} no longer matches the gate; sync or list pending ops again` });
      continue;
    }
    const backup = namer.backup(op.branch, op.gateSha);
    backupByBranch.set(op.branch, backup);
    updates.push(backup);
    const ref = `${HEADS}${op.branch}`;
    updates.push(op.kind === 'delete' ? { op: 'delete', ref, oldSha: op.gateSha } : { op: 'update', ref, newSha: op.upstreamSha!, oldSha: op.gateSha });
    const attic = state.attic.get(op.branch);
    if (attic !== undefined) updates.push({ op: 'delete', ref: `${ATTIC}${op.branch}`, oldSha: attic });
    const foreign = state.foreign.get(op.branch);
    if (foreign !== undefined) updates.push({ op: 'delete', ref: `${FOREIGN}${op.branch}`, oldSha: foreign });
  }
  if (updates.length === 0) return result;
  const branchOf = (update: RefUpdate) => {
    for (const [branch, backup] of backupByBranch) if (update === backup) return branch;
    for (const prefix of [HEADS, ATTIC, FOREIGN]) if (update.ref.startsWith(prefix)) return update.ref.slice(prefix.length);
    return update.ref;
  };
  const { applied, skipped } = await applyRefUpdates(ctx.runner, ctx.gatePath, updates, 'git-gate: apply confirmed pending changes', branchOf);
  const appliedRefs = new Set(applied.map((u) => u.ref));
  for (const op of ops) {
    const backup = backupByBranch.get(op.branch);
    if (!backup || !appliedRefs.has(`${HEADS}${op.branch}`)) continue;
    result.applied.push({ branch: op.branch, kind: op.kind, oldSha: op.gateSha, newSha: op.upstreamSha });
    result.backups.push(parseBackupRef(backup.ref, op.gateSha)!);
  }
  for (const { update } of skipped) {
    if (update.ref.startsWith(HEADS)) {
      const branch = update.ref.slice(HEADS.length);
      result.refused.push({ branch, code: 'GATE_PENDING_STALE', message: `branch ${branch} moved while applying; nothing was changed for it` });
    }
  }
  return result;
}
