import { lstat, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { StatePaths } from '../../config/index.js';
import { fail, type Finding, ok, warn } from './finding.js';

const GIB = 1024 ** 3;

/** Free space on the state root's filesystem. */
export async function checkDiskSpace(paths: StatePaths): Promise<Finding> {
  let dir = paths.root;
  while (!(await lstat(dir).then(() => true, () => false)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  const shown = `${(free / GIB).toFixed(1)} GiB free on the state root's filesystem`;
  if (free < GIB / 10) return fail('disk', shown, 'Free space there; syncs fail with GATE_DISK_FULL when the disk fills.');
  if (free < GIB) return warn('disk', shown, 'Free space there before large syncs.');
  return ok('disk', shown);
}
