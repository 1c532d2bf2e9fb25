// The ssh commands git runs (GIT_SSH_COMMAND). Both are constant strings: git hands them to sh,
// so every variable part (socket, key file, known_hosts, control path) arrives as a "$VAR"
// expansion from the environment and can never be parsed as shell code or an ssh option.

/** Environment variables the vault-mode command reads. */
export const SSH_ENV = {
  agentSocket: 'GIT_GATE_SSH_AUTH_SOCK',
  identityFile: 'GIT_GATE_SSH_IDENTITY',
  knownHosts: 'GIT_GATE_SSH_KNOWN_HOSTS',
  controlPath: 'GIT_GATE_SSH_CONTROL',
} as const;

// Shared by both modes: no forwarding of any kind, no local command, no host-key updates, and
// timeouts so a dead upstream fails the sync instead of hanging it (connect 30 s; a silent peer
// is dropped after 4 × 15 s).
const COMMON = [
  '-o BatchMode=yes',
  '-o StrictHostKeyChecking=yes',
  '-o UpdateHostKeys=no',
  '-o ForwardAgent=no',
  '-o ForwardX11=no',
  '-o ClearAllForwardings=yes',
  '-o PermitLocalCommand=no',
  '-o ConnectTimeout=30',
  '-o ServerAliveInterval=15',
  '-o ServerAliveCountMax=4',
];

/**
 * Vault mode: `-F /dev/null` so neither ~/.ssh/config (ssh reads the passwd home, not $HOME) nor
 * /etc/ssh/ssh_config applies; only the scope's agent and key; only the scope's known_hosts;
 * publickey only; one multiplexed connection per transport (ControlPersist is an idle backstop,
 * the transport's close() ends the master).
 */
export const VAULT_SSH_COMMAND = [
  'ssh -F /dev/null',
  ...COMMON,
  '-o IdentitiesOnly=yes',
  `-o IdentityAgent="$${SSH_ENV.agentSocket}"`,
  `-o IdentityFile="$${SSH_ENV.identityFile}"`,
  `-o UserKnownHostsFile="$${SSH_ENV.knownHosts}"`,
  '-o GlobalKnownHostsFile=/dev/null',
  '-o VerifyHostKeyDNS=no',
  '-o CheckHostIP=no',
  '-o ProxyCommand=none',
  '-o ProxyJump=none',
  '-o PreferredAuthentications=publickey',
  '-o PasswordAuthentication=no',
  '-o KbdInteractiveAuthentication=no',
  '-o ControlMaster=auto',
  `-o ControlPath="$${SSH_ENV.controlPath}"`,
  '-o ControlPersist=60',
].join(' ');

/**
 * Personal mode (explicit opt-in): the user's own ~/.ssh configuration and agent apply, under a
 * floor that keeps a sync non-interactive, never trusts a new host key and forwards nothing.
 */
export const PERSONAL_SSH_COMMAND = ['ssh', ...COMMON].join(' ');
