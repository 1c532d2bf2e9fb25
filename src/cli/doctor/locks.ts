import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Finding, ok, warn } from './finding.js';

/** `<gate>.lock` directories, in the directories that hold gates, whose owner died on this host
 *  (the next operation on that gate takes them over). */
export async function checkStaleLocks(gateDirs: readonly string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const dir of new Set(gateDirs)) {
    const entries = await readdir(dir).catch(() => [] as string[]);
    for (const entry of entries.filter((name) => name.endsWith('.lock'))) {
      const lockPath = path.join(dir, entry);
      const owner = await readFile(path.join(lockPath, 'owner.json'), 'utf8').then((text) => JSON.parse(text) as { pid?: number; host?: string; startedAt?: string }, () => null);
      if (owner === null || typeof owner.pid !== 'number') continue;
      if (owner.host === os.hostname() && !alive(owner.pid)) {
        findings.push(warn('locks', `${lockPath} is held by pid ${owner.pid}, which is no longer running (since ${owner.startedAt ?? 'unknown'})`, 'Nothing to do in a hurry: the next sync takes the lock over and cleans up. To clear it now, make sure no gate command runs, then remove that directory.'));
      }
    }
  }
  if (findings.length === 0) findings.push(ok('locks', 'no stale gate locks'));
  return findings;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
