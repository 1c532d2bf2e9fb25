import { GitCommandError, type GitRunner, isObjectId, type UpstreamUrl, urlScopedHardening } from '../git/index.js';
import { INCOMING_HEADS, INCOMING_TAGS } from './layout.js';

/** How to reach upstream: environment and config a transport needs (ssh command, askpass). */
export interface Transport {
  env: Record<string, string>;
  config: string[];
}

/** What to fetch into the hidden incoming namespace. */
export interface FetchPlan {
  /** Branch names to fetch; null = every branch (glob, with prune). */
  branches: readonly string[] | null;
  tags: boolean;
}

/** How one fetch runs: cancellation, time limit, and where git's progress lines go (if anywhere). */
export interface FetchCall {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  onProgress?: ((line: string) => void) | undefined;
}

const FETCH_FLAGS = ['--no-tags', '--no-write-fetch-head', '--no-auto-gc', '--no-recurse-submodules', '--no-show-forced-updates'];

// git prints progress only to a terminal unless asked; it is asked only when someone listens.
export function progressFlag(call: FetchCall): string {
  return call.onProgress ? '--progress' : '--quiet';
}

function fetchFlags(call: FetchCall): string[] {
  return [...FETCH_FLAGS, progressFlag(call)];
}

/** Run options for a git call that talks to upstream. */
export function networkOptions(gatePath: string, upstream: UpstreamUrl, transport: Transport, call: FetchCall) {
  return {
    gitDir: gatePath,
    allowProtocols: [upstream.scheme],
    env: transport.env,
    config: [...urlScopedHardening(upstream.url), ...transport.config],
    ...(call.signal ? { signal: call.signal } : {}),
    ...(call.timeoutMs ? { timeoutMs: call.timeoutMs } : {}),
    ...(call.onProgress ? { onProgress: call.onProgress } : {}),
  };
}

/**
 * Fetches the objects of exactly these upstream tips (as the listing showed them) and writes no
 * ref at all: sync then moves branches, snapshot and attic in its one transaction, so fetching
 * costs no ref writes of its own. The ids go through stdin (no argv limit). Fails when upstream
 * no longer offers a tip (it moved since the listing; see isStaleListing).
 */
export async function fetchObjects(runner: GitRunner, gatePath: string, upstream: UpstreamUrl, transport: Transport, oids: readonly string[], call: FetchCall = {}): Promise<void> {
  if (oids.length === 0) return;
  // stdin lines are refspecs to git: only bare object ids may ever be written there.
  for (const oid of oids) if (!isObjectId(oid)) throw new Error(`git-gate bug: not an object id: ${JSON.stringify(oid.slice(0, 80))}`);
  await runner.run(['fetch', ...fetchFlags(call), '--stdin', '--end-of-options', upstream.url], { ...networkOptions(gatePath, upstream, transport, call), input: oids.join('\n') + '\n' });
}

/** True when a fetch by object id failed because upstream no longer advertises a tip. */
export function isStaleListing(error: unknown): boolean {
  return error instanceof GitCommandError && /not our ref|unadvertised object|no such remote ref/i.test(error.stderr);
}

/**
 * Fetches upstream heads (and tags) into refs/gate/incoming/*, never into refs/heads: forced
 * refspecs into a private namespace, so nothing upstream does can clobber gate work or block the
 * fetch; --no-tags so no tag lands in refs/tags behind sync's back.
 */
export async function fetchIntoIncoming(runner: GitRunner, gatePath: string, upstream: UpstreamUrl, transport: Transport, plan: FetchPlan, call: FetchCall = {}): Promise<void> {
  const refspecs: string[] = [];
  if (plan.branches === null) refspecs.push(`+refs/heads/*:${INCOMING_HEADS}*`);
  else for (const branch of plan.branches) refspecs.push(`+refs/heads/${branch}:${INCOMING_HEADS}${branch}`);
  if (plan.tags) refspecs.push(`+refs/tags/*:${INCOMING_TAGS}*`);
  if (refspecs.length === 0) return;
  await runner.run(
    ['fetch', ...fetchFlags(call), ...(plan.branches === null ? ['--prune'] : []), '--end-of-options', upstream.url, ...refspecs],
    networkOptions(gatePath, upstream, transport, call),
  );
}
