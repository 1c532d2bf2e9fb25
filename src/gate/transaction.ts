import { forEachRefArgs, GitCommandError, type GitRunner, parseForEachRef, type RefUpdate, updateRefArgs, updateRefInput, ZERO_OID } from '../git/index.js';

/** An update that was dropped because its ref no longer had the expected value. */
export interface SkippedUpdate {
  readonly update: RefUpdate;
  /** What the ref holds now (absent when it does not exist). */
  readonly actualSha: string | undefined;
}

/** What a transaction did. */
export interface TransactionResult {
  readonly applied: RefUpdate[];
  readonly skipped: SkippedUpdate[];
}

const MAX_ATTEMPTS = 3;

function expectedOld(update: RefUpdate): string | undefined {
  return update.op === 'create' ? undefined : update.oldSha;
}

/**
 * Applies ref updates as one `update-ref --stdin` transaction. git makes it all-or-nothing, so
 * when a compare-and-swap fails (a container pushed meanwhile), the refs are read again, the
 * updates whose ref moved are set aside — together with every update `groupOf` ties to them —
 * and the rest is retried. Nothing is ever forced over a value the caller did not see.
 */
export async function applyRefUpdates(
  runner: GitRunner,
  gitDir: string,
  updates: readonly RefUpdate[],
  message: string,
  groupOf: (update: RefUpdate) => string = (update) => update.ref,
): Promise<TransactionResult> {
  let remaining = [...updates];
  const skipped: SkippedUpdate[] = [];
  for (let attempt = 1; remaining.length > 0; attempt++) {
    try {
      await runner.run(updateRefArgs(message), { gitDir, input: updateRefInput(remaining) });
      return { applied: remaining, skipped };
    } catch (error) {
      if (!(error instanceof GitCommandError) || error.failureClass !== 'lock_contention' || attempt >= MAX_ATTEMPTS) throw error;
    }
    const { stdout } = await runner.run(forEachRefArgs(remaining.map((u) => u.ref)), { gitDir });
    const current = parseForEachRef(stdout);
    const movedGroups = new Set<string>();
    for (const update of remaining) {
      const actual = current.get(update.ref);
      const expected = expectedOld(update);
      if ((expected === undefined && actual !== undefined) || (expected !== undefined && expected !== ZERO_OID && actual !== expected)) {
        movedGroups.add(groupOf(update));
      }
    }
    if (movedGroups.size === 0) continue; // a passing lock by someone else: try again as it was
    const kept: RefUpdate[] = [];
    for (const update of remaining) {
      if (movedGroups.has(groupOf(update))) skipped.push({ update, actualSha: current.get(update.ref) });
      else kept.push(update);
    }
    remaining = kept;
  }
  return { applied: [], skipped };
}
