import { forEachRefArgs, type GitRunner, parseForEachRef } from '../git/index.js';
import { ATTIC, BACKUP, FOREIGN, HEADS, INCOMING_HEADS, INCOMING_TAGS, SNAPSHOT, TAGS } from './layout.js';

/** Every ref of a gate that sync reasons about, by namespace, names without prefixes. */
export interface RefState {
  readonly heads: Map<string, string>;
  readonly tags: Map<string, string>;
  readonly snapshot: Map<string, string>;
  readonly attic: Map<string, string>;
  readonly foreign: Map<string, string>;
  readonly incomingHeads: Map<string, string>;
  readonly incomingTags: Map<string, string>;
  /** Full ref name → sha for refs/gate/backup/…. */
  readonly backups: Map<string, string>;
}

const NAMESPACES: ReadonlyArray<readonly [keyof Omit<RefState, 'backups'>, string]> = [
  ['incomingHeads', INCOMING_HEADS],
  ['incomingTags', INCOMING_TAGS],
  ['snapshot', SNAPSHOT],
  ['attic', ATTIC],
  ['foreign', FOREIGN],
  ['heads', HEADS],
  ['tags', TAGS],
];

/** Reads every namespace with one for-each-ref process. */
/** A state with no refs at all (a gate that does not exist yet). */
export function emptyRefState(): RefState {
  return { heads: new Map(), tags: new Map(), snapshot: new Map(), attic: new Map(), foreign: new Map(), incomingHeads: new Map(), incomingTags: new Map(), backups: new Map() };
}

export async function readRefState(runner: GitRunner, gitDir: string, signal?: AbortSignal): Promise<RefState> {
  const { stdout } = await runner.run(forEachRefArgs(['refs/heads/', 'refs/tags/', 'refs/gate/']), { gitDir, ...(signal ? { signal } : {}) });
  const state: RefState = {
    heads: new Map(), tags: new Map(), snapshot: new Map(), attic: new Map(), foreign: new Map(),
    incomingHeads: new Map(), incomingTags: new Map(), backups: new Map(),
  };
  for (const [ref, sha] of parseForEachRef(stdout)) {
    if (ref.startsWith(BACKUP)) {
      state.backups.set(ref, sha);
      continue;
    }
    for (const [key, prefix] of NAMESPACES) {
      if (ref.startsWith(prefix)) {
        state[key].set(ref.slice(prefix.length), sha);
        break;
      }
    }
  }
  return state;
}
