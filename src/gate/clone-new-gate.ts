import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { forEachRefArgs, type GitRunner, isObjectId, parseForEachRef, type RefUpdate, type UpstreamUrl, updateRefInput } from '../git/index.js';
import { type NewGateIdentity, publishNewGate, writeNewGateConfig } from './gate-repo.js';
import { HEADS, INCOMING_HEADS, INCOMING_TAGS, TAGS } from './layout.js';
import { type FetchCall, networkOptions, progressFlag, type Transport } from './upstream-fetch.js';

/**
 * Creates a gate whose first objects come from `git clone --bare` instead of `init` + `fetch`.
 * Both transfer the same pack through upload-pack with the same fsck, but clone asks index-pack
 * to prove the pack self-contained and connected while indexing it, so it skips the full
 * `rev-list --objects` connectivity walk that a fetch into an empty repository runs afterwards
 * (about a third of an initial sync of a large history).
 *
 * The clone's refs are moved into the hidden incoming namespace before the gate is published,
 * so the new gate looks exactly like an empty gate whose fetch has landed: sync then decides
 * and writes every branch, snapshot and tag as it does for any gate (its fetch of the listed
 * tips finds them all present and does not reach upstream). A bare clone takes refs/heads/*
 * and tags only, never refs/pull/* or other namespaces (unlike `clone --mirror`).
 */
export async function cloneNewGate(runner: GitRunner, gatePath: string, identity: NewGateIdentity, upstream: UpstreamUrl, transport: Transport, call: FetchCall = {}): Promise<void> {
  await publishNewGate(gatePath, async (temp) => {
    // --no-local: a local upstream is read through upload-pack (fsck, no hardlinks into it).
    // Progress as a fetch shows it: clone's "Cloning into …" line would name the temp directory.
    const onProgress = call.onProgress;
    const progress = onProgress ? { ...call, onProgress: (line: string) => void (line.startsWith('Cloning into') || onProgress(line)) } : call;
    const { gitDir: _unused, ...options } = networkOptions(gatePath, upstream, transport, progress);
    await runner.run(['clone', '--bare', '--no-local', '--template=', progressFlag(call), '--end-of-options', upstream.url, temp], options);
    // HEAD starts where `init` would put it (clone copies upstream's, which may be detached);
    // sync then points it at upstream's default branch as for any gate. Replaced by rename, never
    // rewritten in place: git reads HEAD to recognise the repository at all.
    await writeFile(path.join(temp, 'HEAD.new'), `ref: refs/heads/${identity.defaultBranch}\n`);
    await rename(path.join(temp, 'HEAD.new'), path.join(temp, 'HEAD'));
    // Refs and config are separate files: both steps at once.
    await Promise.all([
      moveRefsToIncoming(runner, temp),
      runner.run(['config', '--local', '--remove-section', 'remote.origin'], { gitDir: temp }),
    ]);
    await writeNewGateConfig(temp, identity);
  });
}

/** Where a cloned ref goes in the new gate: heads and tags into incoming, anything else nowhere. */
function incomingName(ref: string): string | null {
  if (ref.startsWith(HEADS)) return INCOMING_HEADS + ref.slice(HEADS.length);
  if (ref.startsWith(TAGS)) return INCOMING_TAGS + ref.slice(TAGS.length);
  return null;
}

/**
 * Moves the clone's refs into refs/gate/incoming. clone writes every ref into packed-refs in one
 * go, so in this still private repository the file is rewritten with the new names: one file
 * write however many refs upstream has, where update-ref would write and then delete a loose
 * ref for each. The rename keeps the file sorted (refs/heads/ and refs/tags/ map to prefixes in
 * the same order). Anything unexpected — a loose ref, a line that is not `<id> <ref>` or a
 * peeled `^<id>` — and git's own update-ref does it instead.
 */
async function moveRefsToIncoming(runner: GitRunner, temp: string): Promise<void> {
  const packedPath = path.join(temp, 'packed-refs');
  const packed = await readFile(packedPath, 'utf8').catch(() => null);
  const renamed = packed === null || (await hasLooseRefs(path.join(temp, 'refs'))) ? null : renamePackedRefs(packed);
  if (renamed !== null) {
    await writeFile(`${packedPath}.new`, renamed, { mode: 0o644 });
    await rename(`${packedPath}.new`, packedPath);
    return;
  }
  const { stdout } = await runner.run(forEachRefArgs([]), { gitDir: temp });
  const moves: RefUpdate[] = [];
  for (const [ref, sha] of parseForEachRef(stdout)) {
    const target = incomingName(ref);
    if (target !== null) moves.push({ op: 'create', ref: target, newSha: sha });
    moves.push({ op: 'delete', ref, oldSha: sha });
  }
  // The temp repository is private and its refs are about to be replaced: no reflogs needed.
  if (moves.length > 0) await runner.run(['update-ref', '--stdin'], { gitDir: temp, input: updateRefInput(moves), config: ['core.logAllRefUpdates=false'] });
}

/** The packed-refs text with heads and tags renamed into incoming; null when a line is unexpected. */
export function renamePackedRefs(text: string): string | null {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out: string[] = [];
  let keepPeeled = false;
  for (const [index, line] of lines.entries()) {
    if (index === 0 && line.startsWith('# pack-refs with:')) {
      out.push(line);
      continue;
    }
    if (line.startsWith('^')) {
      if (!isObjectId(line.slice(1))) return null;
      if (keepPeeled) out.push(line);
      continue;
    }
    const space = line.indexOf(' ');
    if (space < 0 || !isObjectId(line.slice(0, space))) return null;
    const target = incomingName(line.slice(space + 1));
    keepPeeled = target !== null;
    if (target !== null) out.push(`${line.slice(0, space)} ${target}`);
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}

// Any file under refs/ is a loose ref (clone of a bare upstream leaves only empty directories).
async function hasLooseRefs(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory()) return true;
    if (await hasLooseRefs(path.join(dir, entry.name))) return true;
  }
  return false;
}
