import { GateError } from '../errors/index.js';
import type { UpstreamUrl } from '../git/index.js';
import { PERSONAL_SSH_COMMAND } from '../ssh/index.js';
import type { Transport } from './upstream-fetch.js';

/**
 * How git reaches upstream when the embedder supplies no credential store: local and HTTPS upstreams need no
 * credential here; SSH needs either the operator's explicit opt-in to their own SSH set-up or a
 * deploy key, and never falls back silently from one to the other.
 */
export function defaultTransport(upstream: UpstreamUrl | null, usePersonalSsh: boolean, scope: string): () => Promise<Transport> {
  if (upstream === null || upstream.kind !== 'ssh') return async () => ({ env: {}, config: [] });
  if (usePersonalSsh) {
    const agent = process.env['SSH_AUTH_SOCK'];
    // A constant command: nothing variable is ever interpolated into a string git hands to sh.
    return async () => ({ env: { GIT_SSH_COMMAND: PERSONAL_SSH_COMMAND, ...(agent ? { SSH_AUTH_SOCK: agent } : {}) }, config: [] });
  }
  return async () => {
    throw new GateError('GATE_AUTH_NOT_CONFIGURED', `upstream of ${scope} is reached over SSH and no deploy key is configured for it`, {
      fix: `Run \`gate ssh-init ${scope}\` and register the key upstream as a read-only deploy key, or pass --use-personal-ssh.`,
    });
  };
}
