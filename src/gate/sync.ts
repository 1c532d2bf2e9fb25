import { existsSync } from 'node:fs';
import { GateError } from '../errors/index.js';
import { sanitize } from '../log/index.js';
import { inspectRemote, type RefUpdate, type RemoteInspection } from '../git/index.js';
import type { GateContext } from './context.js';
import { cloneNewGate } from './clone-new-gate.js';
import { createGate, type GateIdentity, migrateGate, readHeadTarget, setGateUpstream, setHeadTarget } from './gate-repo.js';
import { ATTIC, FOREIGN, HEADS, INCOMING_HEADS, INCOMING_TAGS, SNAPSHOT, TAGS } from './layout.js';
import { surveyUpstream, type Survey } from './survey.js';
import { applyRefUpdates } from './transaction.js';
import type { AppliedChange, GateSyncResult } from './types.js';

/** A sync result before anything happened; filled in as sync goes. */
export function emptySyncResult(ctx: GateContext): GateSyncResult {
  return {
    path: ctx.gatePath, upstreamUrl: ctx.upstream?.url ?? null, created: false, migrated: false, success: true, errors: [], notes: [],
    applied: [], pending: [], gateOnlyBranches: [], tags: { created: [], moved: [] },
    cache: { refreshed: false, version: null, error: null }, reinitBundle: null, protocolVersion: null, fetched: false, durationMs: 0,
  };
}

/**
 * Makes sure the gate exists and is ours: created atomically when missing, adopted (migrated)
 * when it is a foreign bare repository. `identity` is what the gate lock read from an existing
 * gate (after checking its ownership, mode and config), null when there was none.
 */
export async function ensureGate(ctx: GateContext, result: GateSyncResult, identity: GateIdentity | null, create: { clone: boolean; signal?: AbortSignal | undefined } = { clone: false }): Promise<void> {
  if (!existsSync(ctx.gatePath)) {
    const newIdentity = { scope: ctx.scope, upstream: ctx.upstream?.url ?? null, defaultBranch: ctx.defaultBranch ?? 'main' };
    if (create.clone && ctx.upstream !== null) {
      const call = { signal: create.signal, timeoutMs: ctx.networkTimeoutMs, onProgress: ctx.onProgress };
      await cloneNewGate(ctx.runner, ctx.gatePath, newIdentity, ctx.upstream, await ctx.transport(), call);
    } else {
      await createGate(ctx.runner, ctx.gatePath, newIdentity);
    }
    result.created = true;
    return;
  }
  if (identity === null || identity.version === null) {
    result.notes.push(...(await migrateGate(ctx.runner, ctx.gatePath, { scope: ctx.scope, upstream: ctx.upstream?.url ?? null })));
    result.migrated = true;
  }
}

/**
 * One sync of a gate with an upstream; the caller holds the gate lock. Upstream is listed before
 * anything is created, so an unreachable upstream changes nothing. All safe branch moves, the
 * snapshot and the attic go in one ref transaction; tags go in a second one so a tag can never
 * block a branch. Returns the backup refs as read under the lock (sync writes none).
 */
export async function syncWithUpstream(ctx: GateContext, result: GateSyncResult, options: { branches?: readonly string[]; signal?: AbortSignal; inspection?: RemoteInspection; identity: GateIdentity | null }): Promise<ReadonlyMap<string, string>> {
  const upstream = ctx.upstream!;
  let inspection = options.inspection;
  const creating = !existsSync(ctx.gatePath);
  if (inspection === undefined && creating) inspection = await inspectUpstream(ctx, options.signal);
  // A full first sync of a non-empty upstream takes its objects by clone (see cloneNewGate); a
  // selective one fetches only the chosen branches.
  const clone = creating && options.branches === undefined && inspection !== undefined && inspection.heads.size + inspection.tags.size > 0;
  await ensureGate(ctx, result, options.identity, { clone, signal: options.signal });
  const survey = await surveyUpstream(ctx, {
    ...(options.branches ? { branches: options.branches } : {}), ...(options.signal ? { signal: options.signal } : {}),
    gateExists: true, identity: options.identity, ...(inspection ? { inspection } : {}),
  });
  result.protocolVersion = survey.inspection.protocolVersion ?? null;
  result.fetched = survey.fetched || clone;
  result.notes.push(...survey.notes);

  const { applied, movedBranches } = await applyBranchUpdates(ctx, survey);
  result.applied = applied;
  for (const branch of movedBranches) result.notes.push(`branch ${branch} moved during the sync (a concurrent push); left as it is for the next sync`);
  result.pending = survey.classification.pending.filter((op) => !movedBranches.has(op.branch));
  result.gateOnlyBranches = survey.classification.gateOnlyBranches;
  if (survey.classification.ahead.length > 0) result.notes.push(`${survey.classification.ahead.length} branch(es) have gate commits on top of upstream: ${survey.classification.ahead.slice(0, 5).join(', ')}`);

  const tagUpdates: RefUpdate[] = survey.tagsCreated.map((tag) => ({ op: 'create', ref: `${TAGS}${tag}`, newSha: survey.upstreamTags.get(tag)! }));
  if (tagUpdates.length > 0) {
    const { applied: tagsApplied, skipped } = await applyRefUpdates(ctx.runner, ctx.gatePath, tagUpdates, 'git-gate: sync tags');
    result.tags.created = tagsApplied.map((u) => u.ref.slice(TAGS.length));
    for (const { update } of skipped) result.notes.push(`tag ${update.ref.slice(TAGS.length)} appeared in the gate during the sync; left as it is`);
  }
  result.tags.moved = survey.tagsMoved;
  for (const moved of survey.tagsMoved) result.notes.push(`upstream moved tag ${moved.tag} (${moved.gateSha.slice(0, 10)} → ${moved.upstreamSha.slice(0, 10)}); the gate keeps its tag`);

  await alignHead(ctx, survey, result);
  if (survey.urlChanged) {
    await setGateUpstream(ctx.runner, ctx.gatePath, upstream.url);
    result.notes.push('the upstream URL changed; the gate now follows the new URL');
  }
  // A new gate's refs all go into packed-refs at once: one file instead of one 4 KiB block per
  // ref, and later ref reads stay fast however many branches upstream has.
  if (result.created) await ctx.runner.run(['pack-refs', '--all', '--prune'], { gitDir: ctx.gatePath });
  return survey.state.backups;
}

// Builds the one transaction for branches, snapshot and attic, grouped by branch so a branch
// that a concurrent push moved is set aside whole (its snapshot too) and judged again next sync.
async function applyBranchUpdates(ctx: GateContext, survey: Survey): Promise<{ applied: AppliedChange[]; movedBranches: Set<string> }> {
  const { state, upstreamHeads, classification, selected } = survey;
  const updates: RefUpdate[] = [];
  for (const change of classification.changes) {
    const ref = `${HEADS}${change.branch}`;
    updates.push(change.kind === 'create' ? { op: 'create', ref, newSha: change.newSha! } : { op: 'update', ref, newSha: change.newSha!, oldSha: change.oldSha! });
  }
  const names = new Set([...upstreamHeads.keys(), ...state.snapshot.keys()]);
  for (const branch of names) {
    if (selected !== null && !selected.has(branch)) continue;
    const up = upstreamHeads.get(branch);
    const snap = state.snapshot.get(branch);
    const ref = `${SNAPSHOT}${branch}`;
    if (up !== undefined && snap === undefined) updates.push({ op: 'create', ref, newSha: up });
    else if (up !== undefined && snap !== up) updates.push({ op: 'update', ref, newSha: up, oldSha: snap! });
    else if (up === undefined && snap !== undefined) updates.push({ op: 'delete', ref, oldSha: snap });
  }
  for (const [branch, sha] of classification.atticCreates) updates.push({ op: 'create', ref: `${ATTIC}${branch}`, newSha: sha });
  for (const branch of classification.atticDeletes) updates.push({ op: 'delete', ref: `${ATTIC}${branch}`, oldSha: state.attic.get(branch)! });
  for (const [branch, sha] of classification.foreignCreates) updates.push({ op: 'create', ref: `${FOREIGN}${branch}`, newSha: sha });
  for (const branch of classification.foreignDeletes) updates.push({ op: 'delete', ref: `${FOREIGN}${branch}`, oldSha: state.foreign.get(branch)! });
  // What a fetch or a first clone left in the incoming namespace is decided on now: dropped in the
  // same transaction, so it holds no objects alive behind the snapshot's back.
  for (const [branch, sha] of state.incomingHeads) updates.push({ op: 'delete', ref: `${INCOMING_HEADS}${branch}`, oldSha: sha });
  for (const [tag, sha] of state.incomingTags) updates.push({ op: 'delete', ref: `${INCOMING_TAGS}${tag}`, oldSha: sha });
  if (updates.length === 0) return { applied: [], movedBranches: new Set() };

  const branchOf = (update: RefUpdate) => {
    for (const prefix of [HEADS, SNAPSHOT, ATTIC, FOREIGN, INCOMING_HEADS]) if (update.ref.startsWith(prefix)) return update.ref.slice(prefix.length);
    return update.ref;
  };
  const { applied, skipped } = await applyRefUpdates(ctx.runner, ctx.gatePath, updates, 'git-gate: sync from upstream', branchOf);
  const appliedHeads = new Set(applied.filter((u) => u.ref.startsWith(HEADS)).map((u) => u.ref));
  return {
    applied: classification.changes.filter((change) => appliedHeads.has(`${HEADS}${change.branch}`)),
    movedBranches: new Set(skipped.map(({ update }) => branchOf(update))),
  };
}

// HEAD follows upstream's default branch (so a rename upstream heals the gate), falling back to
// the configured default branch when upstream does not say.
async function alignHead(ctx: GateContext, survey: Survey, result: GateSyncResult): Promise<void> {
  const target = survey.inspection.headTarget ?? ctx.defaultBranch;
  if (target === undefined) return;
  const current = await readHeadTarget(ctx.gatePath);
  if (current === target) return;
  const exists = survey.upstreamHeads.has(target) || survey.state.heads.has(target);
  const gateEmpty = survey.state.heads.size === 0 && result.applied.length === 0;
  if (!exists && !gateEmpty) return;
  await setHeadTarget(ctx.runner, ctx.gatePath, target);
  if (current !== null && !result.created) result.notes.push(`HEAD now follows upstream's default branch ${target} (was ${current})`);
}

/** Lists upstream once (the cheap check that also proves it is reachable). */
export async function inspectUpstream(ctx: GateContext, signal?: AbortSignal): Promise<RemoteInspection> {
  const transport = await ctx.transport();
  return inspectRemote(ctx.runner, ctx.upstream!, {
    maxRefs: ctx.maxRefs, env: transport.env, config: transport.config,
    ...(signal ? { signal } : {}), ...(ctx.networkTimeoutMs ? { timeoutMs: ctx.networkTimeoutMs } : {}),
  });
}

/** Turns a thrown error into the result's error list. */
export function recordFailure(result: GateSyncResult, error: unknown): void {
  result.success = false;
  if (error instanceof GateError) {
    const failureClass = (error as { failureClass?: GateSyncResult['errors'][number]['failureClass'] }).failureClass;
    result.errors.push({ code: error.code, message: error.message, fix: error.fix, ...(failureClass ? { failureClass } : {}) });
  } else {
    result.errors.push({ code: 'GATE_GIT_FAILED', message: sanitize(error instanceof Error ? error.message : String(error)), fix: 'This is a bug in git-gate if it repeats; please report it with --verbose output.' });
  }
}
