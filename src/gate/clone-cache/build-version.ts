import { rm } from 'node:fs/promises';
import path from 'node:path';
import { GateError } from '../../errors/index.js';
import type { GitRunner } from '../../git/index.js';

/** Limits for a checkout: a 300 MB zero blob compresses to 288 KiB, so sizes are read first. */
export interface CheckoutLimits {
  maxCheckoutBytes: number;
}

async function assertCheckoutSize(runner: GitRunner, workTree: string, commit: string, limits: CheckoutLimits): Promise<void> {
  const { stdout } = await runner.run(['ls-tree', '-r', '-l', '--full-tree', '--end-of-options', commit], { gitDir: path.join(workTree, '.git') });
  let total = 0;
  for (const line of stdout.split('\n')) {
    const size = Number(line.split(/\s+/)[3]);
    if (Number.isFinite(size)) total += size;
  }
  if (total > limits.maxCheckoutBytes) {
    throw new GateError('GATE_TOO_LARGE', `checkout of ${commit.slice(0, 12)} would write ${total} bytes, over the cache limit of ${limits.maxCheckoutBytes}`);
  }
}

async function checkout(runner: GitRunner, workTree: string, branch: string, commit: string, limits: CheckoutLimits): Promise<void> {
  await assertCheckoutSize(runner, workTree, commit, limits);
  const gitDir = path.join(workTree, '.git');
  await runner.run(['checkout', '--quiet', '--force', '--no-recurse-submodules', '-B', branch, commit, '--'], { gitDir, cwd: workTree });
  await runner.run(['clean', '-ffdxq'], { gitDir, cwd: workTree });
}

/**
 * A fresh version: `clone --no-local --no-hardlinks` goes through upload-pack, so the cache
 * shares no object file with the gate (a container's copy can never corrupt the gate), and
 * hidden refs stay hidden.
 */
export async function cloneVersion(runner: GitRunner, gatePath: string, dir: string, branch: string, commit: string, limits: CheckoutLimits): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await runner.run(['clone', '--quiet', '--no-local', '--no-hardlinks', '--no-checkout', '--template=', '--origin', 'origin', '--end-of-options', gatePath, dir], { allowProtocols: ['file'] });
  await checkout(runner, dir, branch, commit, limits);
}

/** Brings an old version up to date in place: fetch what changed, hard reset, clean. */
export async function updateVersion(runner: GitRunner, gatePath: string, dir: string, branch: string, commit: string, limits: CheckoutLimits): Promise<void> {
  const gitDir = path.join(dir, '.git');
  await runner.run(['fetch', '--quiet', '--prune', '--no-auto-gc', '--no-write-fetch-head', '--end-of-options', gatePath, '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*'], { gitDir, allowProtocols: ['file'] });
  await checkout(runner, dir, branch, commit, limits);
}
