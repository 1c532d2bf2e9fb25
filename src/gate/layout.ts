// Where things live inside a gate. Everything under refs/gate/ is hidden from containers
// (transfer.hideRefs) and unwritable by them (push policy).

export const HEADS = 'refs/heads/';
export const TAGS = 'refs/tags/';
/** Upstream heads as of the last completed sync: the provenance of every mirrored branch. */
export const SNAPSHOT = 'refs/gate/upstream/';
/** Where fetches land before a sync decides anything; rewritten by every fetch. */
export const INCOMING_HEADS = 'refs/gate/incoming/heads/';
export const INCOMING_TAGS = 'refs/gate/incoming/tags/';
/** The last in-sync upstream tip of a branch that went pending; first writer wins. */
export const ATTIC = 'refs/gate/attic/';
/** Gate branches that existed before upstream had a branch of that name (provenance unknown). */
export const FOREIGN = 'refs/gate/foreign/';
export const BACKUP = 'refs/gate/backup/';
export const HIDDEN = 'refs/gate';

/** Config keys git-gate keeps in each gate's own config. */
export const GATE_CONFIG_VERSION = '1';

/** Settings every gate carries; `git config` is run for each when a gate is created or adopted. */
export const GATE_REPO_CONFIG: ReadonlyArray<readonly [string, string]> = [
  ['transfer.hideRefs', HIDDEN],
  ['uploadpack.hideRefs', HIDDEN],
  ['receive.hideRefs', HIDDEN],
  ['core.logAllRefUpdates', 'always'],
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
  ['fetch.writeCommitGraph', 'true'],
  ['receive.fsckObjects', 'true'],
  ['transfer.fsckObjects', 'true'],
  ['uploadpack.allowAnySHA1InWant', 'false'],
  ['http.getanyfile', 'false'],
];

/** The lock directory beside (not inside) the gate, so a re-init can hold it while it wipes. */
export function lockPathFor(gatePath: string): string {
  return `${gatePath}.lock`;
}
