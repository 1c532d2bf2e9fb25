import { lstat } from 'node:fs/promises';
import type { StatePaths } from '../../config/index.js';
import { fail, type Finding, ok, warn } from './finding.js';

/** The root and its directories: ours, real directories, closed to group and others. */
export async function checkStateRoot(paths: StatePaths): Promise<Finding[]> {
  const findings: Finding[] = [];
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  for (const dir of [paths.root, paths.projectsDir, paths.gatesDir, paths.cacheDir, paths.recordsDir, paths.vaultDir, paths.knownHostsDir]) {
    const info = await lstat(dir).catch(() => null);
    if (info === null) {
      if (dir === paths.root) findings.push(warn('state-root', `${dir} does not exist yet`, 'Run `gate init <project>` to create it.'));
      continue;
    }
    if (dir !== paths.root && info.isSymbolicLink()) findings.push(fail('state-root', `${dir} is a symlink`, `Replace ${dir} with a real directory; git-gate refuses symlinks under its state root.`));
    else if (uid !== undefined && info.uid !== uid) findings.push(fail('state-root', `${dir} is owned by uid ${info.uid}, not by you (uid ${uid})`, `chown -R ${uid} ${dir}, or run gate as its owner.`));
    else if ((info.mode & 0o022) !== 0) findings.push(fail('state-root', `${dir} is writable by group or others (mode ${(info.mode & 0o777).toString(8)})`, `chmod 700 ${dir}`));
    else if ((info.mode & 0o077) !== 0) findings.push(warn('state-root', `${dir} is readable by group or others (mode ${(info.mode & 0o777).toString(8)})`, `chmod 700 ${dir}`));
  }
  if (findings.length === 0) findings.push(ok('state-root', `${paths.root} is private to you`));
  return findings;
}
