import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { cp, mkdir, readdir, realpath, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { GateError } from '../../errors/index.js';
import { type GitRunner, isObjectId } from '../../git/index.js';
import type { Logger } from '../../log/index.js';
import { cloneVersion, updateVersion, type CheckoutLimits, type VersionContent } from './build-version.js';
import { type CacheLayout, cacheLayout, currentSlot, readCacheState, writeCacheState } from './cache-state.js';

/** Settings for one scope's clone cache. */
export interface CloneCacheOptions extends CheckoutLimits {
  base: string;
  scope: string;
  /** How long a replaced version stays untouched for readers that resolved it earlier. */
  graceMs: number;
}

/** What the gate looks like, as far as the cache cares. */
export interface CacheSource {
  gatePath: string;
  headBranch: string | null;
  heads: ReadonlyMap<string, string>;
  tags: ReadonlyMap<string, string>;
}

/** Outcome of a refresh. */
export interface CacheRefresh {
  refreshed: boolean;
  version: number | null;
  how: 'unchanged' | 'incremental' | 'clone' | 'empty';
}

function fingerprint(source: CacheSource): string {
  const hash = createHash('sha256');
  hash.update(`HEAD ${source.headBranch}\n`);
  for (const [name, sha] of [...source.heads].sort()) hash.update(`h ${name} ${sha}\n`);
  for (const [name, sha] of [...source.tags].sort()) hash.update(`t ${name} ${sha}\n`);
  return hash.digest('hex');
}

/**
 * In-place updates a version gets before it is cloned afresh: each fetch leaves a small pack (or
 * a few loose objects), and no gc ever runs in the cache, so a version updated for ever would
 * grow without bound. One clone per this many refreshes keeps it compact.
 */
export const MAX_IN_PLACE_UPDATES = 100;

/**
 * Refreshes the checked-out copy of the gate. Each version is built in a slot of its own and
 * published by renaming a new symlink over the old one, so a reader sees the old tree or the new
 * one, never a half-built one. A replaced slot is left alone for the grace period, then reused
 * for an incremental update (fetch + hard reset + clean) or removed.
 */
export async function refreshCloneCache(runner: GitRunner, logger: Logger, options: CloneCacheOptions, source: CacheSource): Promise<CacheRefresh> {
  const layout = cacheLayout(options.base, options.scope);
  const state = await readCacheState(layout);
  const current = await currentSlot(layout);
  const branch = source.headBranch;
  const commit = branch === null ? undefined : source.heads.get(branch);
  if (branch === null || commit === undefined) return { refreshed: false, version: current ? state.version : null, how: 'empty' };
  const print = fingerprint(source);
  if (current !== null && state.slots[current]?.fingerprint === print) return { refreshed: false, version: state.version, how: 'unchanged' };

  await mkdir(layout.versions, { recursive: true, mode: 0o700 });
  const now = Date.now();
  const reusable = Object.entries(state.slots)
    .filter(([slot, info]) => slot !== current && info.retiredAt !== null && now - Date.parse(info.retiredAt) >= options.graceMs)
    .sort((a, b) => b[1].version - a[1].version)[0]?.[0];
  let slot: string;
  let how: CacheRefresh['how'];
  let content: VersionContent;
  const updates = reusable === undefined ? 0 : (state.slots[reusable]!.updates ?? 0);
  if (reusable !== undefined && updates < MAX_IN_PLACE_UPDATES) {
    slot = reusable;
    how = 'incremental';
    const { commit: was, bytes } = state.slots[slot]!;
    // The size check builds on these: anything but a whole byte count and an object id (an older
    // state file, a damaged one) means counting the whole tree instead.
    const previous = typeof was === 'string' && isObjectId(was) && typeof bytes === 'number' && Number.isSafeInteger(bytes) && bytes >= 0 ? { commit: was, bytes } : null;
    try {
      content = await updateVersion(runner, source.gatePath, path.join(layout.versions, slot), branch, commit, options, previous);
    } catch (error) {
      // A tree over the size limit is over it however the version is built.
      if (error instanceof GateError && error.code === 'GATE_TOO_LARGE') throw error;
      logger.warn({ err: error, slot }, 'incremental cache update failed; cloning afresh');
      how = 'clone';
      content = await cloneVersion(runner, source.gatePath, path.join(layout.versions, slot), branch, commit, options);
    }
  } else {
    // A worn-out slot is rebuilt under its own name; otherwise a new slot is made.
    slot = reusable ?? `v${state.version + 1}`;
    how = 'clone';
    content = await cloneVersion(runner, source.gatePath, path.join(layout.versions, slot), branch, commit, options);
  }

  state.version += 1;
  if (current !== null && state.slots[current]) state.slots[current].retiredAt = new Date(now).toISOString();
  state.slots[slot] = { fingerprint: print, version: state.version, retiredAt: null, commit: content.commit, bytes: content.bytes, updates: how === 'incremental' ? updates + 1 : 0 };
  await publish(layout, slot);
  await writeCacheState(layout, state);
  await removeExpired(layout, state, slot, options.graceMs, now);
  await writeCacheState(layout, state);
  return { refreshed: true, version: state.version, how };
}

async function publish(layout: CacheLayout, slot: string): Promise<void> {
  const temp = `${layout.link}.tmp-${process.pid}`;
  await rm(temp, { force: true });
  await symlink(path.join(path.basename(layout.versions), slot), temp);
  await rename(temp, layout.link);
}

// Keeps the current slot, slots still in their grace period, and one expired slot to reuse.
async function removeExpired(layout: CacheLayout, state: { slots: Record<string, { retiredAt: string | null; version: number }> }, current: string, graceMs: number, now: number): Promise<void> {
  const expired = Object.entries(state.slots)
    .filter(([slot, info]) => slot !== current && info.retiredAt !== null && now - Date.parse(info.retiredAt) >= graceMs)
    .sort((a, b) => b[1].version - a[1].version);
  for (const [slot] of expired.slice(1)) {
    await rm(path.join(layout.versions, slot), { recursive: true, force: true });
    delete state.slots[slot];
  }
  // Directories the state does not know (a crash mid-build) go too.
  for (const entry of await readdir(layout.versions)) {
    if (entry !== 'state.json' && !(entry in state.slots)) await rm(path.join(layout.versions, entry), { recursive: true, force: true });
  }
}

/** The published cache path when a version exists. */
export async function publishedCachePath(base: string, scope: string): Promise<string | null> {
  const layout = cacheLayout(base, scope);
  return (await currentSlot(layout)) === null ? null : layout.link;
}

/**
 * Copies the current cache version into a new workspace (copy-on-write clones where the
 * filesystem supports them) and points its origin at `originUrl`.
 */
export async function seedWorkspaceFromCache(runner: GitRunner, base: string, scope: string, dest: string, originUrl: string): Promise<void> {
  const layout = cacheLayout(base, scope);
  if ((await currentSlot(layout)) === null) throw new GateError('GATE_CACHE_FAILED', `no clone cache exists yet for ${scope}; run a sync first`);
  const entries = await readdir(dest).catch(() => null);
  if (entries !== null && entries.length > 0) throw new GateError('GATE_WORKSPACE_EXISTS', `workspace ${dest} already exists and is not empty`);
  const source = await realpath(layout.link);
  await cp(source, dest, { recursive: true, verbatimSymlinks: true, mode: constants.COPYFILE_FICLONE, preserveTimestamps: true });
  await runner.run(['remote', 'set-url', '--end-of-options', 'origin', originUrl], { gitDir: path.join(dest, '.git') });
}
