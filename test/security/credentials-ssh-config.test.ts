// The user's own SSH set-up: in vault mode ssh must ignore ~/.ssh/config (ssh reads the passwd
// home, not $HOME, so the test writes there, only when ~/.ssh does not exist yet, and removes it);
// in personal mode (explicit opt-in) the user's config and agent apply, and nothing falls back.
import { execa } from 'execa';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGateError } from '../../src/errors/index.js';
import { GitCommandError, GitRunner, lsRemoteArgs, parseUpstreamUrl } from '../../src/git/index.js';
import { createScopeTransport, type ScopeTransportOptions, sshInit } from '../../src/ssh/index.js';
import { tempDir, Upstream } from '../helpers/git-fixture.js';
import { withEnv } from '../helpers/security-fixture.js';
import { type SshGitServer, startSshGitServer } from '../helpers/ssh-git-server.js';

const passwdHome = os.userInfo().homedir;
const userSsh = path.join(passwdHome, '.ssh');
const skipReason = existsSync(userSsh) ? `${userSsh} exists; the test will not touch the user's own SSH files` : undefined;
if (skipReason) console.log(`skipped: ${skipReason}`);

const runner = new GitRunner({ defaultTimeoutMs: 30_000 });

describe.skipIf(skipReason !== undefined)('the user\'s ~/.ssh in vault and personal mode', () => {
  let server: SshGitServer;
  let upstream: Upstream;
  let vaultKey: string;
  let personalKeyFile: string;
  let options: ScopeTransportOptions;
  let agent: ChildProcess | undefined;
  let work: string;

  beforeAll(async () => {
    upstream = await Upstream.create();
    work = await tempDir('gate-personal-');
    const state = await tempDir('gate-state-');
    const vaultDir = path.join(state, 'vault', 'proj');
    vaultKey = (await sshInit({ vaultDir })).publicKey;
    personalKeyFile = path.join(work, 'personal');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'personal', '-f', personalKeyFile]);
    server = await startSshGitServer({ repos: { '/repo.git': upstream.dir }, authorizedKeys: [vaultKey, await readFile(`${personalKeyFile}.pub`, 'utf8')] });
    options = {
      scope: 'proj',
      upstream: parseUpstreamUrl(`ssh://git@127.0.0.1:${server.port}/repo.git`),
      vaultDir,
      knownHostsFile: path.join(state, 'known_hosts', 'proj'),
      hostKeys: [server.hostKey],
    };
    await mkdir(userSsh, { mode: 0o700 });
  });
  afterAll(async () => {
    agent?.kill();
    await rm(userSsh, { recursive: true, force: true });
    await server?.close();
  });

  async function lsRemote(extra: Partial<ScopeTransportOptions>): Promise<string> {
    const transport = createScopeTransport({ ...options, ...extra });
    try {
      const settings = await transport.transport();
      return (await runner.run(lsRemoteArgs(options.upstream.url), { allowProtocols: ['ssh'], env: settings.env, config: settings.config })).stdout;
    } finally {
      await transport.close();
    }
  }

  it('a ProxyCommand in ~/.ssh/config runs in personal mode but has no effect in vault mode', async () => {
    const marker = path.join(work, 'proxy-ran');
    await writeFile(path.join(userSsh, 'config'), `Host *\n  ProxyCommand sh -c 'echo ran >> ${marker}'\n`, { mode: 0o600 });
    try {
      expect(await lsRemote({})).toContain(await upstream.sha('main'));
      expect(existsSync(marker)).toBe(false);
      // The same config is live: the personal command (no -F /dev/null) runs the ProxyCommand.
      const personal = await lsRemote({ usePersonalSsh: true }).then(() => undefined, (e: unknown) => e);
      expect(personal).toBeInstanceOf(GitCommandError);
      expect(await readFile(marker, 'utf8')).toContain('ran');
    } finally {
      await rm(path.join(userSsh, 'config'), { force: true });
    }
  });

  it('personal mode uses the user\'s agent and never touches the vault; vault mode never falls back', async () => {
    await writeFile(path.join(userSsh, 'known_hosts'), `[127.0.0.1]:${server.port} ${server.hostKey}\n`, { mode: 0o600 });
    const socket = path.join(work, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
    const emptyVault = path.join(await tempDir('gate-state-'), 'vault', 'none');
    await withEnv({ SSH_AUTH_SOCK: socket }, async () => {
      // The agent is empty (and ~/.ssh holds no keys): personal mode fails instead of using the vault.
      const refused = await lsRemote({ usePersonalSsh: true }).then(() => undefined, (e: unknown) => e);
      expect((refused as GitCommandError).failureClass).toBe('auth_failed');
      await execa('ssh-add', ['-q', personalKeyFile], { env: { SSH_AUTH_SOCK: socket } });
      const before = server.signatureAlgorithms.length;
      expect(await lsRemote({ usePersonalSsh: true, vaultDir: emptyVault })).toContain(await upstream.sha('main'));
      expect(server.signatureAlgorithms.length).toBe(before + 1);
      expect(existsSync(emptyVault)).toBe(false);
      // Vault mode with no key in the vault: a clear error offering both doors, not the user's agent.
      const unconfigured = await lsRemote({ vaultDir: emptyVault }).then(() => undefined, (e: unknown) => e);
      expect(isGateError(unconfigured, 'GATE_AUTH_NOT_CONFIGURED')).toBe(true);
      expect((unconfigured as Error).message + (unconfigured as { fix: string }).fix).toMatch(/gate ssh-init proj[\s\S]*--use-personal-ssh/);
    });
  });
});
