// What the credential commands share: the project's upstream of the right kind, its vault and
// known_hosts paths, the configured vault passphrase, and whether a stored key is encrypted.
import { knownHostsFileFor, loadProject, type ProjectConfig, vaultDirFor } from '../../config/index.js';
import { GateError, isGateError } from '../../errors/index.js';
import { parseUpstreamUrl, type UpstreamUrl } from '../../git/index.js';
import { loadScopeKey, resolvePassphrase, upstreamEndpoint } from '../../ssh/index.js';
import type { CliContext } from '../context.js';

/** A project whose upstream is reached over the transport a command needs. */
export interface CredentialProject {
  project: ProjectConfig;
  upstream: UpstreamUrl;
  host: string;
  port: number;
  vaultDir: string;
  knownHostsFile: string;
}

/**
 * Loads the project and insists on an SSH (deploy key, host pins) or HTTPS (token) upstream;
 * the error for the other kinds names the command that does apply.
 */
export async function credentialProject(ctx: CliContext, name: string, want: 'ssh' | 'https'): Promise<CredentialProject> {
  const project = await loadProject(ctx.paths, name);
  if (project.upstream === null) {
    throw new GateError('GATE_NO_UPSTREAM', `project ${name} is remoteless: it has no upstream and needs no credentials`, {
      fix: `Nothing to do. To give it an upstream, set upstream.url in ${project.file}.`,
    });
  }
  const upstream = parseUpstreamUrl(project.upstream.url, { allowLocal: project.upstream.allowLocal, stateRoot: ctx.paths.root });
  if (upstream.kind === 'local') {
    throw new GateError('GATE_INVALID_ARGUMENT', `project ${name} reads a local upstream (${upstream.url}), which needs no credentials`, { fix: 'Nothing to do: local upstreams are read directly.' });
  }
  if (upstream.kind !== want) {
    const fix = upstream.kind === 'https'
      ? `An HTTPS upstream uses a token: \`gate token set-upstream ${name}\` (it reads the token from stdin or a prompt).`
      : `An SSH upstream uses a deploy key: \`gate ssh-init ${name}\`, then \`gate trust-host ${name}\`.`;
    throw new GateError('GATE_INVALID_ARGUMENT', `project ${name} reaches its upstream over ${upstream.kind === 'https' ? 'HTTPS' : 'SSH'} (${upstream.url}), not ${want === 'https' ? 'HTTPS' : 'SSH'}`, { fix });
  }
  const { host, port } = upstreamEndpoint(upstream);
  return { project, upstream, host, port, vaultDir: vaultDirFor(ctx.paths, name), knownHostsFile: knownHostsFileFor(ctx.paths, name) };
}


/**
 * The vault passphrase as a sync would resolve it (GATE_VAULT_PASSPHRASE, then the global
 * passphrase_command, then passphrase_file); undefined means keys are stored unencrypted.
 */
export async function vaultPassphrase(ctx: CliContext): Promise<string | undefined> {
  const global = await ctx.global();
  return resolvePassphrase({
    env: ctx.io.env,
    ...(global.vault.passphraseCommand !== null ? { command: global.vault.passphraseCommand } : {}),
    ...(global.vault.passphraseFile !== null ? { file: global.vault.passphraseFile } : {}),
  });
}

/** Whether the scope's stored private key is encrypted; asks for no passphrase (a locked key says so). */
export async function storedKeyEncrypted(vaultDir: string): Promise<boolean> {
  try {
    await loadScopeKey({ vaultDir });
    return false;
  } catch (error) {
    if (isGateError(error, 'GATE_VAULT_LOCKED')) return true;
    throw error;
  }
}
