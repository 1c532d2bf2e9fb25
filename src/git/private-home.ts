import { lstatSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let home: string | undefined;

// A per-user directory reused across processes (nothing is ever written to it), accepted only
// when it is ours, a real directory and 0700; otherwise a fresh temp dir removed at exit.
function sharedHome(): string | undefined {
  if (typeof process.getuid !== 'function') return undefined;
  const dir = path.join(os.tmpdir(), `git-gate-home-${process.getuid()}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') return undefined;
  }
  const info = lstatSync(dir);
  if (!info.isDirectory() || info.uid !== process.getuid() || (info.mode & 0o777) !== 0o700) return undefined;
  return dir;
}

/**
 * An empty 0700 directory used as HOME for every git process, so no ~/.gitconfig,
 * ~/.git-credentials or XDG config of the user is ever read or written.
 */
export function privateHome(): string {
  if (home === undefined) {
    home = sharedHome();
    if (home === undefined) {
      const created = mkdtempSync(path.join(os.tmpdir(), 'git-gate-home-'));
      process.once('exit', () => rmSync(created, { recursive: true, force: true }));
      home = created;
    }
  }
  return home;
}
