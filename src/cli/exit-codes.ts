/** Process exit codes; documented in docs/cli.md. */
export const EXIT = Object.freeze({
  ok: 0,
  /** Something failed (including a user mistake such as an unknown project). */
  failure: 1,
  /** The command line is malformed. */
  usage: 2,
  /** Sync succeeded but destructive changes were left pending. */
  pending: 3,
});

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
