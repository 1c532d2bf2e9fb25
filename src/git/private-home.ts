import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let home: string | undefined;

/**
 * An empty 0700 directory used as HOME for every git process this process starts, so no
 * ~/.gitconfig, ~/.git-credentials or XDG config of the user is ever read or written.
 * Removed when the process exits.
 */
export function privateHome(): string {
  if (home === undefined) {
    home = mkdtempSync(path.join(os.tmpdir(), 'git-gate-home-'));
    const created = home;
    process.once('exit', () => rmSync(created, { recursive: true, force: true }));
  }
  return home;
}
