// What GitGate calls to reach a scope's upstream: the environment and `-c` config for each
// network git call. Vault mode starts the scope's agent lazily and shares one SSH connection
// across the calls of a sync; personal mode is an explicit opt-in, never a fallback.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GateError } from '../errors/index.js';
import type { UpstreamUrl } from '../git/index.js';
import { type Logger, silentLogger } from '../log/index.js';
import { privateTempDir, type RunningAgent, startAgent } from './agent.js';
import { CREDENTIAL_CONFIG, CREDENTIAL_ENV, credentialHostOf } from './credential-helper.js';
import { applyHostPins } from './host-pins.js';
import { type PassphraseSource, resolvePassphrase } from './passphrase.js';
import { PERSONAL_SSH_COMMAND, SSH_ENV, VAULT_SSH_COMMAND } from './ssh-command.js';
import { upstreamEndpoint } from './upstream-endpoint.js';
import { hasScopeKey, keyComment, loadScopeKey } from './vault-keys.js';
import { loadUpstreamToken } from './vault-token.js';

/** Environment and config for one network git call (the shape src/gate's Transport has). */
export interface TransportSettings {
  env: Record<string, string>;
  config: string[];
}

/** Inputs for one scope's transport. */
export interface ScopeTransportOptions {
  scope: string;
  upstream: UpstreamUrl;
  /** <stateRoot>/vault/<scope> */
  vaultDir: string;
  /** <stateRoot>/known_hosts/<scope> */
  knownHostsFile: string;
  /** Pins from project YAML (ssh.host_keys): OpenSSH key lines or "SHA256:…" fingerprints. */
  hostKeys?: readonly string[];
  usePersonalSsh?: boolean;
  passphrase?: PassphraseSource;
  logger?: Logger;
  /** ssh executable used to end the shared connection (default "ssh" on PATH). */
  sshPath?: string;
}

/** A scope's transport: settings per git call, and close() at the end of a sync. */
export interface ScopeTransport {
  transport(): Promise<TransportSettings>;
  /** Ends the shared SSH connection and stops the agent; a later transport() starts afresh. */
  close(): Promise<void>;
}

interface VaultSession {
  agent: RunningAgent;
  /** Private 0700 directory for the known_hosts copy and the control socket. */
  dir: string;
  controlPath: string;
  knownHostsCopy: string;
  /** The pins the copy holds now. */
  knownHosts: string;
}

const liveControlPaths = new Map<string, string>();
let exitHookInstalled = false;

// At exit only synchronous work runs: end each master connection, remove its directory.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [controlPath, sshPath] of liveControlPaths) {
      if (existsSync(controlPath)) spawnSync(sshPath, controlExitArgs(controlPath), { stdio: 'ignore', timeout: 2_000 });
      rmSync(path.dirname(controlPath), { recursive: true, force: true });
    }
  });
}

function controlExitArgs(controlPath: string): string[] {
  return ['-F', '/dev/null', '-o', `ControlPath=${controlPath}`, '-O', 'exit', 'git-gate-control'];
}

/** Creates the transport for one scope; nothing starts until the first transport() call. */
export function createScopeTransport(options: ScopeTransportOptions): ScopeTransport {
  const logger = options.logger ?? silentLogger();
  const sshPath = options.sshPath ?? 'ssh';
  let session: Promise<VaultSession> | undefined;

  const startSession = async (): Promise<VaultSession> => {
    const { host, port } = upstreamEndpoint(options.upstream);
    if (!(await hasScopeKey(options.vaultDir))) {
      throw new GateError('GATE_AUTH_NOT_CONFIGURED', `upstream of ${options.scope} is reached over SSH and no deploy key is configured for it`, {
        fix: `Run \`gate ssh-init ${options.scope}\` and register the key upstream as a read-only deploy key, or pass --use-personal-ssh.`,
      });
    }
    const passphrase = await resolvePassphrase(options.passphrase);
    const key = await loadScopeKey({ vaultDir: options.vaultDir, ...(passphrase ? { passphrase } : {}) });
    const knownHosts = await applyHostPins({ knownHostsFile: options.knownHostsFile, host, port, ...(options.hostKeys ? { pins: options.hostKeys } : {}) });
    const agent = await startAgent({ scope: options.scope, keys: [{ key, comment: keyComment(options.scope) }], logger });
    let dir: string;
    try {
      dir = privateTempDir('gg-ssh-');
    } catch (error) {
      await agent.stop();
      throw new GateError('GATE_AGENT_FAILED', `no private temp directory for the SSH connection of scope ${options.scope}`, { cause: error });
    }
    const controlPath = path.join(dir, 'cm');
    const knownHostsCopy = path.join(dir, 'known_hosts');
    // A copy at a plain path: ssh splits option values on spaces and expands "%" in paths.
    writeFileSync(knownHostsCopy, knownHosts, { mode: 0o600 });
    liveControlPaths.set(controlPath, sshPath);
    installExitHook();
    logger.debug({ scope: options.scope, fingerprint: key.fingerprint }, 'ssh agent started');
    return { agent, dir, controlPath, knownHostsCopy, knownHosts };
  };

  // Pins can change while a session lives (`gate trust-host` run beside a daemon): every call
  // reads them again (a file read unless a fingerprint pin still has to be resolved).
  const refreshPins = async (current: VaultSession): Promise<void> => {
    const { host, port } = upstreamEndpoint(options.upstream);
    const knownHosts = await applyHostPins({ knownHostsFile: options.knownHostsFile, host, port, ...(options.hostKeys ? { pins: options.hostKeys } : {}) });
    if (knownHosts === current.knownHosts) return;
    writeFileSync(current.knownHostsCopy, knownHosts, { mode: 0o600 });
    current.knownHosts = knownHosts;
  };

  const transport = async (): Promise<TransportSettings> => {
    const upstream = options.upstream;
    if (upstream.kind === 'https') return httpsSettings(options);
    if (upstream.kind !== 'ssh') return { env: {}, config: [] };
    if (options.usePersonalSsh) {
      const agentSocket = process.env['SSH_AUTH_SOCK'];
      return { env: { GIT_SSH_COMMAND: PERSONAL_SSH_COMMAND, ...(agentSocket ? { SSH_AUTH_SOCK: agentSocket } : {}) }, config: [] };
    }
    session ??= startSession();
    let current: VaultSession;
    try {
      current = await session;
    } catch (error) {
      session = undefined;
      throw error;
    }
    await refreshPins(current);
    return {
      env: {
        GIT_SSH_COMMAND: VAULT_SSH_COMMAND,
        [SSH_ENV.agentSocket]: current.agent.socketPath,
        [SSH_ENV.identityFile]: current.agent.publicKeyFile,
        [SSH_ENV.knownHosts]: current.knownHostsCopy,
        [SSH_ENV.controlPath]: current.controlPath,
      },
      config: [],
    };
  };

  const close = async (): Promise<void> => {
    const pending = session;
    session = undefined;
    if (pending === undefined) return;
    let current: VaultSession;
    try {
      current = await pending;
    } catch {
      return;
    }
    if (existsSync(current.controlPath)) await runQuietly(sshPath, controlExitArgs(current.controlPath));
    liveControlPaths.delete(current.controlPath);
    rmSync(current.dir, { recursive: true, force: true });
    await current.agent.stop();
  };

  return { transport, close };
}

async function httpsSettings(options: ScopeTransportOptions): Promise<TransportSettings> {
  const passphrase = await resolvePassphrase(options.passphrase);
  const token = await loadUpstreamToken({ vaultDir: options.vaultDir, ...(passphrase ? { passphrase } : {}) });
  // No token: a public repository, reached without credentials.
  if (token === undefined) return { env: {}, config: [] };
  return {
    env: {
      [CREDENTIAL_ENV.token]: token.token,
      [CREDENTIAL_ENV.username]: token.username,
      [CREDENTIAL_ENV.protocol]: 'https',
      [CREDENTIAL_ENV.host]: credentialHostOf(options.upstream.url),
    },
    config: [...CREDENTIAL_CONFIG],
  };
}

function runQuietly(file: string, args: string[]): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: 'ignore', timeout: 5_000 });
    child.on('error', () => resolve());
    child.on('close', () => resolve());
  });
}
