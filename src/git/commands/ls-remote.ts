// `git ls-remote --symref`: one round trip that yields every ref, HEAD's symref target and the
// peeled value of annotated tags. The listing is unfiltered on purpose: protocol v2 filters
// server-side only by --heads/--tags, which would drop HEAD and its symref.
import { isObjectId } from '../refname.js';

/** A tag as upstream advertises it: the tag ref's object and, for annotated tags, the commit. */
export interface RemoteTag {
  readonly sha: string;
  readonly peeled?: string;
}

/** What an upstream advertises. */
export interface RemoteListing {
  /** Branch name (without refs/heads/) → commit. */
  readonly heads: ReadonlyMap<string, string>;
  /** Tag name (without refs/tags/) → object. */
  readonly tags: ReadonlyMap<string, RemoteTag>;
  /** HEAD's target branch name, when the server says (absent for detached or old servers). */
  readonly headTarget?: string;
  readonly headSha?: string;
  /** Refs outside heads and tags (refs/pull/*, refs/changes/*, …): counted, never fetched. */
  readonly otherRefCount: number;
}

/** argv for listing a remote. */
export function lsRemoteArgs(url: string): string[] {
  return ['ls-remote', '--symref', '--end-of-options', url];
}

/** Parses `git ls-remote --symref` output. */
export function parseLsRemote(stdout: string): RemoteListing {
  const heads = new Map<string, string>();
  const tagObjects = new Map<string, string>();
  const peeled = new Map<string, string>();
  let headTarget: string | undefined;
  let headSha: string | undefined;
  let otherRefCount = 0;
  for (const line of stdout.split('\n')) {
    if (line.length === 0) continue;
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const left = line.slice(0, tab);
    const ref = line.slice(tab + 1);
    if (left.startsWith('ref: ')) {
      if (ref === 'HEAD' && left.startsWith('ref: refs/heads/')) headTarget = left.slice('ref: refs/heads/'.length);
      continue;
    }
    // Object ids go on to `fetch --stdin`, where any other text would be read as a refspec.
    if (!isObjectId(left)) continue;
    if (ref === 'HEAD') headSha = left;
    else if (ref.startsWith('refs/heads/')) heads.set(ref.slice('refs/heads/'.length), left);
    else if (ref.startsWith('refs/tags/')) {
      const name = ref.slice('refs/tags/'.length);
      if (name.endsWith('^{}')) peeled.set(name.slice(0, -3), left);
      else tagObjects.set(name, left);
    } else otherRefCount += 1;
  }
  const tags = new Map<string, RemoteTag>();
  for (const [name, sha] of tagObjects) {
    const peel = peeled.get(name);
    tags.set(name, peel === undefined ? { sha } : { sha, peeled: peel });
  }
  return {
    heads,
    tags,
    otherRefCount,
    ...(headTarget !== undefined ? { headTarget } : {}),
    ...(headSha !== undefined ? { headSha } : {}),
  };
}
