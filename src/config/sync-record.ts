import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.js';
import { syncRecordFile, type StatePaths } from './paths.js';

/** What the last sync of a project did: written by the CLI after each sync, read by `gate status`. */
export interface SyncRecord {
  readonly schemaVersion: 1;
  readonly project: string;
  /** ISO-8601 UTC time the sync finished. */
  readonly finishedAt: string;
  readonly outcome: 'success' | 'failure';
  /** The first error's code on failure, else null. */
  readonly errorCode: string | null;
  readonly durationMs: number;
  readonly counts: { readonly applied: number; readonly pending: number; readonly gateOnly: number; readonly tagsCreated: number };
  /** The clone-cache version after the sync, null without a cache. */
  readonly cacheVersion: number | null;
}

/** Writes the record atomically (temp file + rename), so a reader never sees half a record. */
export async function writeSyncRecord(paths: StatePaths, record: SyncRecord): Promise<void> {
  await writeFileAtomic(syncRecordFile(paths, record.project), `${JSON.stringify(record, null, 2)}\n`);
}

/** The last record, or null when there is none or it cannot be read as one. */
export async function readSyncRecord(paths: StatePaths, name: string): Promise<SyncRecord | null> {
  let text: string;
  try {
    text = await readFile(syncRecordFile(paths, name), 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as Partial<SyncRecord>;
    if (value.schemaVersion !== 1 || value.project !== name || typeof value.finishedAt !== 'string' || (value.outcome !== 'success' && value.outcome !== 'failure')) return null;
    return value as SyncRecord;
  } catch {
    return null;
  }
}
