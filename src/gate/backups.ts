import { GateError } from '../errors/index.js';
import type { RefUpdate } from '../git/index.js';
import { BACKUP } from './layout.js';
import type { BackupRef } from './types.js';

// refs/gate/backup/<branch>/<YYYYMMDDTHHMMSS.mmmZ>-<sha>[-<n>]: sortable, tells when and what,
// and the -<n> suffix keeps two backups of one sha within one millisecond apart.
const LEAF = /^(\d{8}T\d{6}\.\d{3}Z)-([0-9a-f]{40}|[0-9a-f]{64})(?:-(\d+))?$/;

/** A compact UTC stamp with milliseconds. */
export function backupStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '');
}

/** Parses a backup ref written by git-gate; null for any other ref (never ours to delete). */
export function parseBackupRef(ref: string, sha: string): BackupRef | null {
  if (!ref.startsWith(BACKUP)) return null;
  const rest = ref.slice(BACKUP.length);
  const slash = rest.lastIndexOf('/');
  if (slash <= 0) return null;
  const match = LEAF.exec(rest.slice(slash + 1));
  if (!match) return null;
  const stamp = match[1]!;
  const createdAt = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13)}`;
  return { ref, branch: rest.slice(0, slash), sha, createdAt };
}

/**
 * Names backup refs so none collides with an existing one or with another made in the same
 * batch (same branch, same sha, same millisecond).
 */
export class BackupNamer {
  private readonly taken: Set<string>;
  private readonly stamp: string;

  constructor(existing: Iterable<string>, now: Date = new Date()) {
    this.taken = new Set(existing);
    this.stamp = backupStamp(now);
  }

  /** A create update for a new backup of `branch` at `sha`. */
  backup(branch: string, sha: string): RefUpdate & { op: 'create' } {
    const base = `${BACKUP}${branch}/${this.stamp}-${sha}`;
    let ref = base;
    for (let n = 2; this.taken.has(ref); n++) ref = `${base}-${n}`;
    this.taken.add(ref);
    return { op: 'create', ref, newSha: sha };
  }
}

/** Backups sorted newest first. */
export function listBackupRefs(backups: ReadonlyMap<string, string>): BackupRef[] {
  const out: BackupRef[] = [];
  for (const [ref, sha] of backups) {
    const parsed = parseBackupRef(ref, sha);
    if (parsed) out.push(parsed);
  }
  return out.sort((a, b) => (a.createdAt === b.createdAt ? b.ref.localeCompare(a.ref) : b.createdAt.localeCompare(a.createdAt)));
}

/** Looks a backup up by full ref, failing with GATE_BACKUP_NOT_FOUND. */
export function findBackup(backups: ReadonlyMap<string, string>, ref: string): BackupRef {
  const sha = backups.get(ref);
  const parsed = sha === undefined ? null : parseBackupRef(ref, sha);
  if (parsed === null) throw new GateError('GATE_BACKUP_NOT_FOUND', `no git-gate backup ref ${JSON.stringify(ref.slice(0, 300))}`);
  return parsed;
}
