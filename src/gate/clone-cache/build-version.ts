import { rm } from 'node:fs/promises';
import path from 'node:path';
import { GateError } from '../../errors/index.js';
import { type GitRunner, isObjectId } from '../../git/index.js';

/** Limits for a checkout: a 300 MB zero blob compresses to 288 KiB, so sizes are read first. */
export interface CheckoutLimits {
  maxCheckoutBytes: number;
}

/** What a built version holds: the commit checked out and the bytes its tree writes. */
export interface VersionContent {
  commit: string;
  bytes: number;
}

/** Bytes the whole tree of `commit` writes, read from the gate (one blob header per file). */
async function treeBytes(runner: GitRunner, gitDir: string, commit: string): Promise<number> {
  const { stdout } = await runner.run(['ls-tree', '-r', '-l', '--full-tree', '--end-of-options', commit], { gitDir });
  let total = 0;
  for (const line of stdout.split('\n')) {
    const size = Number(line.split(/\s+/)[3]);
    if (Number.isFinite(size)) total += size;
  }
  return total;
}

/**
 * How many bytes the tree of `to` writes more than the tree of `from`: the sizes of the blobs the
 * diff between them adds, minus those it removes. Reads only what changed, so an update of one
 * file costs the same in a tree of 4,000 files as in one of 400,000.
 */
async function treeBytesDelta(runner: GitRunner, gitDir: string, from: string, to: string): Promise<number> {
  const { stdout } = await runner.run(['diff-tree', '-r', '-z', '--no-renames', '--end-of-options', from, to], { gitDir });
  // -z raw records: ":<old mode> <new mode> <old id> <new id> <status>\0<path>\0"
  const signs = new Map<string, number>();
  const fields = stdout.split('\0');
  for (let i = 0; i < fields.length; i += 2) {
    const record = fields[i]!;
    if (!record.startsWith(':')) continue;
    const [oldMode, newMode, oldId, newId] = record.slice(1).split(' ');
    // Gitlinks (160000) are commits of another repository: a checkout writes nothing for them.
    if (oldMode !== '000000' && oldMode !== '160000' && isObjectId(oldId ?? '')) signs.set(`-${oldId}`, (signs.get(`-${oldId}`) ?? 0) + 1);
    if (newMode !== '000000' && newMode !== '160000' && isObjectId(newId ?? '')) signs.set(`+${newId}`, (signs.get(`+${newId}`) ?? 0) + 1);
  }
  if (signs.size === 0) return 0;
  const ids = [...new Set([...signs.keys()].map((key) => key.slice(1)))];
  const { stdout: sizes } = await runner.run(['cat-file', '--batch-check=%(objectname) %(objectsize)'], { gitDir, input: ids.join('\n') + '\n' });
  const sizeOf = new Map<string, number>();
  for (const line of sizes.split('\n')) {
    const [id, size] = line.split(' ');
    if (id !== undefined && size !== undefined && /^\d+$/.test(size)) sizeOf.set(id, Number(size));
  }
  let delta = 0;
  for (const [key, count] of signs) {
    const size = sizeOf.get(key.slice(1));
    if (size === undefined) throw new Error(`git-gate: no size for blob ${key.slice(1)}`);
    delta += (key.startsWith('+') ? size : -size) * count;
  }
  return delta;
}

// GIT_ALTERNATE_OBJECT_DIRECTORIES is a ':'-separated list; an entry with a ':' (or starting
// with '"') is given C-quoted, which git unquotes.
function alternatesValue(dir: string): string {
  return /[:"\\]/.test(dir) ? `"${dir.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : dir;
}

function assertWithinLimit(bytes: number, commit: string, limits: CheckoutLimits): void {
  if (bytes > limits.maxCheckoutBytes) {
    throw new GateError('GATE_TOO_LARGE', `checkout of ${commit.slice(0, 12)} would write ${bytes} bytes, over the cache limit of ${limits.maxCheckoutBytes}`);
  }
}

// Settles every step before reporting the first failure, so no git process is still writing
// into a version directory that the caller is about to rebuild or remove.
async function allSettled<T extends readonly unknown[]>(steps: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(steps);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

async function checkout(runner: GitRunner, workTree: string, branch: string, commit: string, env?: Record<string, string>): Promise<void> {
  await runner.run(['checkout', '--quiet', '--force', '--no-recurse-submodules', '-B', branch, commit, '--'], { gitDir: path.join(workTree, '.git'), cwd: workTree, ...(env ? { env } : {}) });
}

/**
 * A fresh version: `clone --no-local --no-hardlinks` goes through upload-pack, so the cache
 * shares no object file with the gate (a container's copy can never corrupt the gate), and
 * hidden refs stay hidden. The tree's size is read from the gate while the clone runs.
 */
export async function cloneVersion(runner: GitRunner, gatePath: string, dir: string, branch: string, commit: string, limits: CheckoutLimits): Promise<VersionContent> {
  await rm(dir, { recursive: true, force: true });
  const [bytes] = await allSettled<[number, unknown]>([
    treeBytes(runner, gatePath, commit),
    runner.run(['clone', '--quiet', '--no-local', '--no-hardlinks', '--no-checkout', '--template=', '--origin', 'origin', '--end-of-options', gatePath, dir], { allowProtocols: ['file'] }),
  ]);
  assertWithinLimit(bytes, commit, limits);
  await checkout(runner, dir, branch, commit);
  return { commit, bytes };
}

/**
 * Brings an old version up to date in place: fetch what changed, clean, hard reset. The fetch
 * (the critical path: five git processes) runs beside the rest. The size check (the version's
 * recorded size plus the diff, read from the gate) and the clean go first; untracked files go
 * before the checkout rather than after, as the checkout itself leaves none. The checkout then
 * reads the new objects from the gate, named for that one process only
 * (GIT_ALTERNATE_OBJECT_DIRECTORIES; nothing is written into the cache's alternates), so it
 * need not wait for the fetch. Once the fetch is done, the commit must be in the version's own
 * store (the branch may have moved on in the gate since its refs were read, and the fetch then
 * brought something else): otherwise the update fails, and the version is never published
 * pointing at an object it does not hold.
 */
export async function updateVersion(runner: GitRunner, gatePath: string, dir: string, branch: string, commit: string, limits: CheckoutLimits, previous: VersionContent | null): Promise<VersionContent> {
  const gitDir = path.join(dir, '.git');
  const fetching = runner.run(['fetch', '--quiet', '--prune', '--no-auto-gc', '--no-write-fetch-head', '--end-of-options', gatePath, '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*'], { gitDir, allowProtocols: ['file'] })
    .then(() => runner.run(['cat-file', '-e', '--end-of-options', `${commit}^{commit}`], { gitDir }));
  const sizing = previous === null
    ? treeBytes(runner, gatePath, commit)
    : treeBytesDelta(runner, gatePath, previous.commit, commit).then((delta) => previous.bytes + delta, () => treeBytes(runner, gatePath, commit));
  const checkingOut = allSettled<[number, unknown]>([sizing, runner.run(['clean', '-ffdxq'], { gitDir, cwd: dir })]).then(async ([bytes]) => {
    assertWithinLimit(bytes, commit, limits);
    await checkout(runner, dir, branch, commit, { GIT_ALTERNATE_OBJECT_DIRECTORIES: alternatesValue(path.resolve(gatePath, 'objects')) });
    return bytes;
  });
  const [bytes] = await allSettled<[number, unknown]>([checkingOut, fetching]);
  return { commit, bytes };
}
