// The credentials layer: per-scope key vault, ephemeral SSH agent, pinned host keys, the constant
// ssh command and the HTTPS credential helper. It never runs git.
export { type AgentKey, MAX_AGENT_MESSAGE } from './agent-protocol.js';
export { type RunningAgent, startAgent } from './agent.js';
export { CREDENTIAL_CONFIG, CREDENTIAL_ENV, CREDENTIAL_HELPER } from './credential-helper.js';
export { readKnownHosts, scanHostKeys, trustHost, type ScannedHostKey } from './host-scan.js';
export { fingerprintOf, type KeyMaterial, type SshKeyType } from './key-material.js';
export { knownHostsPattern, parseHostKeyPin, type HostKey, type HostKeyPin } from './known-hosts.js';
export { resolvePassphrase, VAULT_PASSPHRASE_ENV, type PassphraseSource } from './passphrase.js';
export { createScopeTransport, type ScopeTransport, type ScopeTransportOptions, type TransportSettings } from './scope-transport.js';
export { PERSONAL_SSH_COMMAND, SSH_ENV, VAULT_SSH_COMMAND } from './ssh-command.js';
export { upstreamEndpoint } from './upstream-endpoint.js';
export { exportPublicKey, hasScopeKey, importKey, keyComment, listKeys, loadScopeKey, removeKey, sshInit, type VaultKeyInfo, type VaultKeyResult } from './vault-keys.js';
export { loadUpstreamToken, removeUpstreamToken, setUpstreamToken, showUpstreamToken, tokenFingerprint, type UpstreamToken } from './vault-token.js';
