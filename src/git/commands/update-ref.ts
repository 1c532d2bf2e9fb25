/** One ref change, guarded by the value the ref must have now (compare-and-swap). */
export type RefUpdate =
  | { readonly op: 'create'; readonly ref: string; readonly newSha: string }
  | { readonly op: 'update'; readonly ref: string; readonly newSha: string; readonly oldSha: string }
  | { readonly op: 'delete'; readonly ref: string; readonly oldSha: string };

/** argv for an all-or-nothing ref transaction read from stdin. */
export function updateRefArgs(message: string): string[] {
  return ['update-ref', '-m', message, '--stdin'];
}

/**
 * The stdin for `git update-ref --stdin`: explicit start/prepare/commit so the whole set is one
 * transaction, each line carrying the old value git must find (create = must not exist).
 */
export function updateRefInput(updates: readonly RefUpdate[]): string {
  const lines = ['start'];
  for (const update of updates) {
    if (update.op === 'create') lines.push(`create ${update.ref} ${update.newSha}`);
    else if (update.op === 'update') lines.push(`update ${update.ref} ${update.newSha} ${update.oldSha}`);
    else lines.push(`delete ${update.ref} ${update.oldSha}`);
  }
  lines.push('prepare', 'commit', '');
  return lines.join('\n');
}
