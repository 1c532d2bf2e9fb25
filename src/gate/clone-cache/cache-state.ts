import { readFile, readlink, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Bookkeeping for one scope's cache, kept beside its versions. */
export interface CacheState {
  version: number;
  /**
   * Per slot: the fingerprint it was built from, when it stopped being current, and (since the
   * size check became incremental) the commit it checked out, the bytes of that tree and how many
   * in-place updates it has had since it was cloned.
   */
  slots: Record<string, { fingerprint: string; version: number; retiredAt: string | null; commit?: string; bytes?: number; updates?: number }>;
}

/** Where a scope's cache lives. */
export interface CacheLayout {
  /** The published path: a symlink to the current version. */
  link: string;
  /** Directory holding every version (slot) and the state file. */
  versions: string;
  stateFile: string;
}

/** Paths of a scope's cache under the cache base. */
export function cacheLayout(base: string, scope: string): CacheLayout {
  const versions = path.join(base, `${scope}.versions`);
  return { link: path.join(base, scope), versions, stateFile: path.join(versions, 'state.json') };
}

export async function readCacheState(layout: CacheLayout): Promise<CacheState> {
  try {
    return JSON.parse(await readFile(layout.stateFile, 'utf8')) as CacheState;
  } catch {
    return { version: 0, slots: {} };
  }
}

/** Written to a temp file and renamed, so a crash leaves the old or the new state, never half. */
export async function writeCacheState(layout: CacheLayout, state: CacheState): Promise<void> {
  const temp = `${layout.stateFile}.tmp-${process.pid}`;
  await writeFile(temp, JSON.stringify(state, null, 2), { mode: 0o600 });
  await rename(temp, layout.stateFile);
}

/** The slot the published link points at, or null. The link, not the state file, is the truth. */
export async function currentSlot(layout: CacheLayout): Promise<string | null> {
  try {
    return path.basename(await readlink(layout.link));
  } catch {
    return null;
  }
}
