import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { inspectGateLock } from '../../gate/lock.js';
import { type Finding, ok, warn } from './finding.js';

/** `<gate>.lock` directories, in the directories that hold gates, whose owner died on this host
 *  (the next operation on that gate takes them over). */
export async function checkStaleLocks(gateDirs: readonly string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const dir of new Set(gateDirs)) {
    const entries = await readdir(dir).catch(() => [] as string[]);
    for (const entry of entries.filter((name) => name.endsWith('.lock'))) {
      const lockPath = path.join(dir, entry);
      const owner = inspectGateLock(lockPath);
      if (owner?.deadHere) {
        findings.push(warn('locks', `${lockPath} is held by pid ${owner.pid}, which is no longer running (since ${owner.startedAt})`, 'Nothing to do in a hurry: the next sync takes the lock over and cleans up. To clear it now, make sure no gate command runs, then remove that directory.'));
      }
    }
  }
  if (findings.length === 0) findings.push(ok('locks', 'no stale gate locks'));
  return findings;
}
