import { GateError } from '../errors/index.js';
import { lsRemoteArgs, parseLsRemote, type RemoteListing } from './commands/ls-remote.js';
import { urlScopedHardening } from './profile.js';
import type { GitRunner, GitRunOptions } from './runner.js';
import type { UpstreamUrl } from './url.js';

/** What one look at the upstream found. */
export interface RemoteInspection extends RemoteListing {
  /** The wire protocol git negotiated (0, 1 or 2), when git reported it. */
  readonly protocolVersion: number | undefined;
}

/** Options for inspectRemote. */
export interface InspectRemoteOptions extends Pick<GitRunOptions, 'signal' | 'timeoutMs' | 'env' | 'config'> {
  /** Refuse upstreams advertising more branches + tags than this. */
  maxRefs?: number;
}

export const DEFAULT_MAX_REFS = 50_000;

/**
 * Lists the upstream in one round trip: branches, tags with peeled values, HEAD's symref target,
 * and the negotiated protocol version. Throws GitCommandError (classified) when unreachable, and
 * GATE_TOO_MANY_REFS over the cap, before anything is fetched.
 */
export async function inspectRemote(runner: GitRunner, upstream: UpstreamUrl, options: InspectRemoteOptions = {}): Promise<RemoteInspection> {
  const result = await runner.run(lsRemoteArgs(upstream.url), {
    allowProtocols: [upstream.scheme],
    trace2: true,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.env ? { env: options.env } : {}),
    config: [...urlScopedHardening(upstream.url), ...(options.config ?? [])],
  });
  const listing = parseLsRemote(result.stdout);
  const maxRefs = options.maxRefs ?? DEFAULT_MAX_REFS;
  const count = listing.heads.size + listing.tags.size;
  if (count > maxRefs) {
    throw new GateError('GATE_TOO_MANY_REFS', `upstream advertises ${count} branches and tags, over the cap of ${maxRefs}`, {
      details: { refCount: count, maxRefs },
    });
  }
  return { ...listing, protocolVersion: negotiatedVersion(result.trace2) };
}

/** Reads the first "negotiated-version" data event from a trace2 event stream. */
export function negotiatedVersion(trace2: string): number | undefined {
  const match = /"key":"negotiated-version","value":"(\d)"/.exec(trace2);
  return match ? Number(match[1]) : undefined;
}
