import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isNewGateTempName } from './gate-repo.js';

/** Lock files older than this are leftovers: git holds ref locks for milliseconds. */
const STALE_LOCK_MS = 60_000;
/** Temporary object files of a fetch or push older than this belong to no live process. */
const STALE_TMP_MS = 60 * 60_000;

/**
 * Removes what a killed git leaves behind: `*.lock` files that break every later ref update, and
 * `tmp_obj_*`, `tmp_pack_*` and quarantine directories that keep a full disk full. Runs under
 * the gate lock; a push served meanwhile only holds fresh files, which the age limits spare.
 * With `everything` (the previous owner is known dead) the age limits apply only to pushes'
 * quarantine directories.
 */
export async function cleanLeftovers(gatePath: string, everything: boolean): Promise<string[]> {
  const removed: string[] = [];
  const now = Date.now();
  const lockAge = everything ? 0 : STALE_LOCK_MS;
  const removeIfOld = async (file: string, minAge: number) => {
    const info = await stat(file).catch(() => undefined);
    if (info && now - info.mtimeMs >= minAge) {
      await rm(file, { recursive: true, force: true });
      removed.push(path.relative(gatePath, file));
    }
  };
  for (const name of ['packed-refs.lock', 'HEAD.lock', 'config.lock', 'shallow.lock', 'index.lock', 'objects/info/commit-graphs/commit-graph-chain.lock', 'objects/info/commit-graph.lock']) {
    await removeIfOld(path.join(gatePath, name), lockAge);
  }
  await walk(path.join(gatePath, 'refs'), async (file) => {
    if (file.endsWith('.lock')) await removeIfOld(file, lockAge);
  });
  for (const dir of ['objects', 'objects/pack']) {
    const entries = await readdir(path.join(gatePath, dir)).catch(() => [] as string[]);
    for (const entry of entries) {
      // A push's quarantine (tmp_objdir-incoming-*) belongs to receive-pack, not to the gate lock's
      // previous owner: a push the daemon is serving right now may own it, dead owner or not.
      if (entry.startsWith('tmp_objdir-') || entry.startsWith('incoming-')) await removeIfOld(path.join(gatePath, dir, entry), STALE_TMP_MS);
      else if (entry.startsWith('tmp_') || entry.startsWith('.tmp-')) await removeIfOld(path.join(gatePath, dir, entry), everything ? 0 : STALE_TMP_MS);
    }
  }
  return removed;
}

/**
 * Removes the sibling temp directories a first sync builds a new gate in (see publishNewGate),
 * left behind when that sync was killed: a clone's temp directory holds a whole pack. Runs under
 * the gate lock, the only place such directories are made; a recent one is spared unless the
 * previous owner is known dead.
 */
export async function cleanNewGateTemps(gatePath: string, everything: boolean): Promise<string[]> {
  const parent = path.dirname(gatePath);
  const entries = await readdir(parent).catch(() => [] as string[]);
  const removed: string[] = [];
  const now = Date.now();
  for (const entry of entries) {
    if (!isNewGateTempName(gatePath, entry)) continue;
    const full = path.join(parent, entry);
    const info = await stat(full).catch(() => undefined);
    if (info && (everything || now - info.mtimeMs >= STALE_TMP_MS)) {
      await rm(full, { recursive: true, force: true });
      removed.push(full);
    }
  }
  return removed;
}

// Subdirectories are read side by side: a gate with thousands of loose refs is walked on every
// locked operation, so the walk must cost one round of readdir per level, not one per directory.
async function walk(dir: string, visit: (file: string) => Promise<void>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  await Promise.all(entries.map((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full, visit);
    return entry.name.endsWith('.lock') ? visit(full) : undefined;
  }));
}
