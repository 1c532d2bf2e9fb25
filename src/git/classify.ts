// Turns a failed git process into one failure class. Pure, never throws; `unknown` is the
// fallback. Patterns are matched against git's and ssh's C-locale messages (LC_ALL=C is forced).

/** Why a git command failed, as far as its exit and stderr tell. */
export type GitFailureClass =
  | 'auth_failed'
  | 'host_key_mismatch'
  | 'host_key_unknown'
  | 'remote_not_found'
  | 'network_failed'
  | 'timeout'
  | 'cancelled'
  | 'lock_contention'
  | 'disk_full'
  | 'corrupt_object'
  | 'too_large'
  | 'crashed'
  | 'unknown';

/** How a git process ended. */
export interface GitExit {
  exitCode?: number | undefined;
  signal?: string | undefined;
  stderr: string;
  timedOut?: boolean;
  cancelled?: boolean;
}

// Order matters: the first rule whose pattern matches wins (a host-key change also prints
// "Could not read from remote repository", which alone would look like a network failure).
const RULES: ReadonlyArray<readonly [GitFailureClass, RegExp]> = [
  ['host_key_mismatch', /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed|host key mismatch/i],
  ['host_key_unknown', /No [A-Z0-9-]+ host key is known for|Host key verification failed|host key is not known|not in the list of known hosts/i],
  ['disk_full', /No space left on device|Disk quota exceeded|ENOSPC/i],
  ['too_large', /exceeds maximum allowed size|pack exceeds|too many refs|object too large|File size limit exceeded/i],
  ['auth_failed', /Permission denied \(|Authentication failed|could not read (Username|Password)|terminal prompts disabled|HTTP Basic: Access denied|The requested URL returned error: 40[13]|Too many authentication failures|agent refused operation|sign_and_send_pubkey/i],
  ['remote_not_found', /Repository not found|does not appear to be a git repository|The requested URL returned error: 404|repository .* not found|No such repository|not a git repository/i],
  ['lock_contention', /cannot lock ref|Unable to create '.*\.lock': File exists|is at [0-9a-f]+ but expected|reference already exists|unable to lock|another git process seems to be running/i],
  ['corrupt_object', /fsck error|bad object|corrupt|missing (blob|tree|commit|tag) |object file .* is empty|did not receive expected object|invalid object|fatal: loose object|packfile .* cannot be accessed|hash mismatch|unable to read [0-9a-f]{40}/i],
  // A helper git started (index-pack, upload-pack) died by a signal; git itself exited normally.
  ['crashed', /died of signal \d+|killed by signal/i],
  ['network_failed', /Could not resolve host|Could not resolve hostname|Connection refused|Connection timed out|Connection reset|Network is unreachable|No route to host|Failed to connect|unable to access|the remote end hung up unexpectedly|early EOF|Connection closed by|kex_exchange_identification|ssh: connect to host|Operation timed out|Temporary failure in name resolution|Could not read from remote repository/i],
];


/** Classifies how a git command failed. */
export function classifyGitFailure(exit: GitExit): GitFailureClass {
  try {
    if (exit.cancelled) return 'cancelled';
    if (exit.timedOut) return 'timeout';
    const stderr = exit.stderr ?? '';
    for (const [failureClass, pattern] of RULES) {
      if (pattern.test(stderr)) return failureClass;
    }
    if (exit.signal !== undefined && exit.signal !== null) return 'crashed';
    // A shell-style exit of 128+N also means "died by signal N" (git re-raises in some paths).
    if (exit.exitCode !== undefined && exit.exitCode > 128 && exit.exitCode < 160 && exit.exitCode !== 141) return 'crashed';
    return 'unknown';
  } catch {
    return 'unknown';
  }
}
