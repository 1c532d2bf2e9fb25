import { forEachRefArgs, type GitRunner, parseForEachRef, type RefUpdate, type UpstreamUrl, updateRefInput } from '../git/index.js';
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
    const { stdout } = await runner.run(forEachRefArgs([]), { gitDir: temp });
    const moves: RefUpdate[] = [];
    for (const [ref, sha] of parseForEachRef(stdout)) {
      const target = ref.startsWith(HEADS) ? INCOMING_HEADS + ref.slice(HEADS.length) : ref.startsWith(TAGS) ? INCOMING_TAGS + ref.slice(TAGS.length) : null;
      if (target !== null) moves.push({ op: 'create', ref: target, newSha: sha });
      moves.push({ op: 'delete', ref, oldSha: sha });
    }
    // The temp repository is private and its refs are about to be replaced: no reflogs needed.
    if (moves.length > 0) await runner.run(['update-ref', '--stdin'], { gitDir: temp, input: updateRefInput(moves), config: ['core.logAllRefUpdates=false'] });
    await runner.run(['config', '--local', '--remove-section', 'remote.origin'], { gitDir: temp, okExitCodes: [128] });
    await writeNewGateConfig(temp, identity);
  });
}
