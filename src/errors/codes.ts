// The one registry of error codes. Codes are stable API: add new ones, never rename or reuse.
// docs/errors.md lists the same codes with the same fix text; a unit test keeps the two in step.

/** What a code means and how a user fixes it. */
export interface ErrorCodeInfo {
  readonly summary: string;
  readonly fix: string;
}

export const ERROR_CODES = {
  GATE_INVALID_ARGUMENT: {
    summary: 'An option or argument passed to git-gate is malformed.',
    fix: 'Correct the value named in the message; it says what shape is expected.',
  },
  GATE_SCOPE_INVALID: {
    summary: 'A scope (project) name does not match ^[a-z0-9][a-z0-9._-]{0,62}$.',
    fix: 'Use lowercase letters, digits, ".", "_" or "-", starting with a letter or digit, at most 63 characters.',
  },
  GATE_UPSTREAM_URL_INVALID: {
    summary: 'The upstream URL is not an allowed https://, ssh:// or scp-like (user@host:path) URL.',
    fix: 'Use https://host/path, ssh://[user@]host[:port]/path or user@host:path, without a password, control characters or a leading "-".',
  },
  GATE_UPSTREAM_LOCAL_NOT_ALLOWED: {
    summary: 'The upstream is a local path or file:// URL, and local upstreams are not enabled.',
    fix: 'Enable local upstreams explicitly (allowLocal / upstream.allow_local), or use a remote URL.',
  },
  GATE_UPSTREAM_INSIDE_STATE: {
    summary: 'A local upstream points inside the git-gate state directory (another gate or its state).',
    fix: 'Point the upstream at a repository outside the state directory.',
  },
  GATE_UPSTREAM_UNREACHABLE: {
    summary: 'The upstream could not be reached (DNS, connection refused or reset, network down).',
    fix: 'Check the host name, the network and any firewall, then sync again; nothing in the gate was changed.',
  },
  GATE_UPSTREAM_NOT_FOUND: {
    summary: 'The upstream answered, but the repository does not exist or the key cannot see it.',
    fix: 'Check the repository path in the URL, and that the deploy key or token has read access to it.',
  },
  GATE_UPSTREAM_AUTH_FAILED: {
    summary: 'The upstream refused the credentials.',
    fix: 'Register the gate\'s deploy key upstream (`gate ssh-init <project>` prints it) or set a valid token; or pass --use-personal-ssh.',
  },
  GATE_UPSTREAM_UNRELATED: {
    summary: 'The upstream URL changed and the new upstream shares no history with the gate.',
    fix: 'Point the project back at the old URL, or rebuild the gate with forceReinit (--force-reinit), which bundles the old refs first.',
  },
  GATE_TOO_MANY_REFS: {
    summary: 'The upstream advertises more refs than the configured cap.',
    fix: 'Sync selected branches only, or raise the ref cap (maxRefs) if the repository really is that large.',
  },
  GATE_HOST_KEY_UNKNOWN: {
    summary: 'The SSH host key of the upstream is not pinned for this scope.',
    fix: 'Run `gate trust-host <project>` to see and pin the fingerprint, or add it under ssh.host_keys in the project file.',
  },
  GATE_HOST_KEY_MISMATCH: {
    summary: 'The upstream presented a different SSH host key from the pinned one.',
    fix: 'Verify the new key with the upstream\'s operator; if it really changed, replace the pin with `gate trust-host <project> --replace`.',
  },
  GATE_AUTH_NOT_CONFIGURED: {
    summary: 'The upstream needs credentials and none are configured for this scope.',
    fix: 'Run `gate ssh-init <project>` and register the key upstream as a read-only deploy key, or pass --use-personal-ssh.',
  },
  GATE_GIT_TIMEOUT: {
    summary: 'A git command ran past its time limit and was stopped with its whole process group.',
    fix: 'Check the upstream\'s speed and size; raise the timeout if the repository is simply large.',
  },
  GATE_CANCELLED: {
    summary: 'The operation was cancelled by its caller.',
    fix: 'Nothing to fix; run it again when wanted. The gate kept its last good state.',
  },
  GATE_LOCK_CONTENTION: {
    summary: 'Another writer held a ref or the gate lock, or a ref moved while this operation ran.',
    fix: 'Run the operation again; if it persists, run `gate doctor` to find stale locks.',
  },
  GATE_LOCK_TIMEOUT: {
    summary: 'The gate stayed locked by another live process for longer than the lock wait.',
    fix: 'Wait for the other sync to finish (see the lock owner in the message), or raise the lock wait.',
  },
  GATE_DISK_FULL: {
    summary: 'The disk or quota is full.',
    fix: 'Free space on the state directory\'s filesystem, then sync again; partial files were removed.',
  },
  GATE_CORRUPT_OBJECT: {
    summary: 'git found a corrupt or hostile object (fsck failure, missing or malformed object).',
    fix: 'If it came from upstream, report it there; the object was not stored. If the gate is damaged, rebuild it with --force-reinit.',
  },
  GATE_TOO_LARGE: {
    summary: 'Content exceeded a size limit (push size, checkout size or ref count).',
    fix: 'Reduce the size, or raise the limit named in the message if the content is legitimate.',
  },
  GATE_GIT_CRASHED: {
    summary: 'git died by a signal (for example a segfault on hostile input).',
    fix: 'The operation was rolled back. Report the upstream content if it repeats; the gate is unchanged.',
  },
  GATE_GIT_FAILED: {
    summary: 'git failed in a way git-gate does not recognise.',
    fix: 'Read the (redacted) git message included; run with --verbose for more detail.',
  },
  GATE_GIT_NOT_FOUND: {
    summary: 'No git executable was found on PATH.',
    fix: 'Install git 2.39 or newer and make sure it is on PATH.',
  },
  GATE_PATH_CONFLICT: {
    summary: 'The gate path is already used by another scope with a different upstream.',
    fix: 'Give each scope its own gate path, or point both scopes at the same upstream.',
  },
  GATE_NOT_A_GATE: {
    summary: 'The gate does not exist yet (never synced), or its path holds something that is not a bare git repository git-gate can adopt.',
    fix: 'Sync the project to create the gate; if the path holds something else, move it away or choose another gate path.',
  },
  GATE_UNSAFE_PATH: {
    summary: 'A gate or cache path is a symlink, owned by another user, or writable by group/other.',
    fix: 'Fix the ownership and mode (chown to the daemon user, chmod go-w), or choose another path.',
  },
  GATE_REF_INVALID: {
    summary: 'A branch or ref name is not a valid, safe git ref name.',
    fix: 'Use a name git accepts (see git check-ref-format) that does not start with "-".',
  },
  GATE_BRANCH_NOT_FOUND: {
    summary: 'The named branch does not exist in the gate.',
    fix: 'List branches with `gate status <project>`; check the spelling.',
  },
  GATE_PENDING_STALE: {
    summary: 'A pending operation no longer matches the gate (the branch or upstream moved since it was planned).',
    fix: 'Run sync or `gate pending <project>` again and apply the fresh list.',
  },
  GATE_BACKUP_NOT_FOUND: {
    summary: 'The named backup ref does not exist.',
    fix: 'List backups with `gate backups <project> list` and use a ref from it.',
  },
  GATE_NO_UPSTREAM: {
    summary: 'The operation needs an upstream and the gate is remoteless.',
    fix: 'Configure upstream.url for the project, or skip this operation for remoteless gates.',
  },
  GATE_CLOSED: {
    summary: 'The GitGate instance was closed.',
    fix: 'Create a new GitGate instance.',
  },
  GATE_CACHE_FAILED: {
    summary: 'The clone cache could not be built or refreshed (the gate itself is fine).',
    fix: 'Read the cause; the next successful sync retries. Remove the cache directory to force a rebuild.',
  },
  GATE_WORKSPACE_EXISTS: {
    summary: 'The destination for a new workspace already exists and is not empty.',
    fix: 'Choose a new directory, or remove the existing one first.',
  },
  GATE_CONFIG_INVALID: {
    summary: 'A config file is not valid YAML or does not match the schema (unknown or duplicate key, wrong type, alias bomb).',
    fix: 'Edit the file at the line and key named in the message; `docs/config.md` lists every key with an example.',
  },
  GATE_PROJECT_NOT_FOUND: {
    summary: 'No project file exists for the named project.',
    fix: 'Check the name with `gate list`, or create the project with `gate init <project>`.',
  },
  GATE_PROJECT_EXISTS: {
    summary: 'A project file with that name already exists.',
    fix: 'Choose another name, edit the existing file, or pass --force to overwrite it.',
  },
  GATE_USAGE: {
    summary: 'The command line is malformed (unknown option, missing argument, conflicting flags).',
    fix: 'Run the command with --help to see its usage.',
  },
  GATE_CONFIRMATION_REQUIRED: {
    summary: 'A destructive change needs confirmation and there is no terminal to ask on.',
    fix: 'Pass --destructive to apply it, or review it first with `gate pending <project>`.',
  },
  GATE_VAULT_LOCKED: {
    summary: 'The scope\'s key is encrypted and no vault passphrase was given.',
    fix: 'Set GATE_VAULT_PASSPHRASE, or configure vault.passphrase_command or vault.passphrase_file in the global config.',
  },
  GATE_VAULT_PASSPHRASE_WRONG: {
    summary: 'The vault passphrase does not decrypt the scope\'s key.',
    fix: 'Give the passphrase the key was stored with; if it is lost, rotate the key with `gate ssh-init <project> --force`.',
  },
  GATE_VAULT_UNSAFE: {
    summary: 'A vault directory or key file is a symlink, owned by another user, or readable by group/other.',
    fix: 'Fix ownership and modes (directory 0700, files 0600, owned by the daemon user); git-gate never loosens or follows them.',
  },
  GATE_KEY_NOT_FOUND: {
    summary: 'No SSH key or token is stored for the scope.',
    fix: 'Run `gate ssh-init <project>` (or `gate token set-upstream <project>` for HTTPS) first.',
  },
  GATE_KEY_EXISTS: {
    summary: 'The scope already has a key and the operation would replace it.',
    fix: 'Pass --force to rotate the key, then register the new public key upstream.',
  },
  GATE_KEY_INVALID: {
    summary: 'The key or token given is not a supported, readable OpenSSH private key or token.',
    fix: 'Give an unencrypted or correctly unlocked ed25519, RSA (2048 bits or more) or ECDSA key in OpenSSH or PEM format.',
  },
  GATE_AGENT_FAILED: {
    summary: 'The scope\'s private SSH agent could not start or serve.',
    fix: 'Check that the temp directory is writable and private; run `gate doctor`.',
  },
  GATE_TOKEN_NOT_FOUND: {
    summary: 'No container token has that id.',
    fix: 'List tokens with `gate token list` (or the admin API\'s tokens endpoint) and use an id from it.',
  },
  GATE_TOKEN_CAPABILITY_REFUSED: {
    summary: 'The project cannot issue a token with that capability (online gates issue read tokens only).',
    fix: 'Mint a read token, or change the project\'s mode to gatekeeping if containers must push to the gate.',
  },
  GATE_ADMIN_UNAUTHORIZED: {
    summary: 'The admin API request carried no admin token, or the wrong one.',
    fix: 'Send `Authorization: Bearer <admin token>` with the token from the daemon\'s configuration.',
  },
  GATE_ADMIN_HOST_REFUSED: {
    summary: 'The admin API request\'s Host header is not one the daemon answers to (DNS rebinding guard).',
    fix: 'Connect by the address the daemon listens on (localhost, 127.0.0.1 or the unix socket), or add the name to the admin host allow-list.',
  },
  GATE_ADMIN_ORIGIN_REFUSED: {
    summary: 'The admin API request carried an Origin header; requests from web pages are refused (CSRF guard).',
    fix: 'Call the admin API from a program or `curl`, never from a web page; do not send an Origin header.',
  },
  GATE_ADMIN_UNSUPPORTED_MEDIA: {
    summary: 'The admin API request body is not JSON.',
    fix: 'Send the body with `Content-Type: application/json`.',
  },
  GATE_ADMIN_NOT_FOUND: {
    summary: 'The admin API has no such endpoint.',
    fix: 'Check the path against docs/server.md (every endpoint starts with /v1/, except /healthz, /readyz and /metrics).',
  },
  GATE_ADMIN_METHOD_NOT_ALLOWED: {
    summary: 'The admin API endpoint exists but not for this HTTP method.',
    fix: 'Use the method the Allow header of the answer names (docs/server.md lists them).',
  },
  GATE_RATE_LIMITED: {
    summary: 'Too many requests of this kind in a short time (for example manual syncs of one project).',
    fix: 'Wait the number of seconds in the Retry-After header, then try again.',
  },
  GATE_INTERNAL: {
    summary: 'An unexpected failure inside git-gate; the request was not completed.',
    fix: 'Look for the request in the daemon\'s log; report it with that log line if it repeats.',
  },
  GATE_LISTEN_FAILED: {
    summary: 'The daemon could not listen on a configured address (in use by another process, not permitted, or a path that is not a socket).',
    fix: 'Stop whatever holds the address (another `gate serve`?), or change serve.git_listen / serve.admin_listen in config.yaml.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The fix text for a code. */
export function fixFor(code: ErrorCode): string {
  return ERROR_CODES[code].fix;
}
