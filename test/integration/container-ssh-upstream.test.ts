// A gate synced from a real SSH git host in a container (OpenSSH sshd, git, a git-shell user),
// through the scope's vault key and agent, after the explicit host-key enrol step. Skipped, with
// the reason printed, where Docker cannot run.
import { execa } from 'execa';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitGate } from '../../src/index.js';
import { sshInit, trustHost } from '../../src/ssh/index.js';
import { containersUnavailable, SSHD_GIT_CONTEXT, SSHD_GIT_IMAGE, testcontainers } from '../helpers/containers.js';
import { git, headsOf, tempDir, Upstream } from '../helpers/git-fixture.js';

const unavailable = await containersUnavailable();
if (unavailable !== undefined) console.log(`skipped: container SSH upstream suite: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('a gate synced from an SSH host in a container', () => {
  let container: StartedTestContainer | undefined;
  let root: string;
  let vaultDir: string;
  let knownHostsFile: string;
  let bare: string;
  let port: number;

  beforeAll(async () => {
    const upstream = await Upstream.create();
    await upstream.commit('feature', 'feature work');
    bare = path.join(await tempDir('gate-container-src-'), 'repo.git');
    await git(path.dirname(bare), 'clone', '-q', '--bare', upstream.dir, bare);
    root = await tempDir('gate-container-state-');
    await mkdir(path.join(root, 'vault'), { mode: 0o700 });
    vaultDir = path.join(root, 'vault', 'demo');
    knownHostsFile = path.join(root, 'known_hosts', 'demo');
    const { publicKey } = await sshInit({ vaultDir });

    const { GenericContainer } = await testcontainers();
    const image = await GenericContainer.fromDockerfile(SSHD_GIT_CONTEXT).build(SSHD_GIT_IMAGE, { deleteOnExit: false });
    container = await image
      .withExposedPorts(22)
      .withCopyContentToContainer([{ content: `${publicKey}\n`, target: '/home/git/.ssh/authorized_keys', mode: 0o600 }])
      .withCopyDirectoriesToContainer([{ source: bare, target: '/srv/repo.git' }])
      .start();
    const chown = await container.exec(['chown', '-R', 'git:git', '/home/git/.ssh', '/srv/repo.git']);
    expect(chown.exitCode).toBe(0);
    port = container.getMappedPort(22);
  }, 300_000);

  afterAll(async () => {
    await container?.stop();
  });

  it('enrols the host key explicitly, then syncs through the scope agent over one connection', async () => {
    const url = `ssh://git@127.0.0.1:${port}/srv/repo.git`;
    const gate = new GitGate({ scope: 'demo', gatePath: path.join(root, 'gates', 'demo.git'), upstreamUrl: url, credentials: { vaultDir, knownHostsFile } });
    try {
      // Before enrolment the host is unknown: nothing is trusted on first use.
      const refused = await gate.sync();
      expect(refused.errors).toEqual([expect.objectContaining({ code: 'GATE_HOST_KEY_UNKNOWN' })]);

      const pinned = await trustHost({ knownHostsFile, host: '127.0.0.1', port });
      expect(pinned.map((key) => key.fingerprint)).toContainEqual(expect.stringMatching(/^SHA256:/));
      expect(await readFile(knownHostsFile, 'utf8')).toContain(`[127.0.0.1]:${port} `);

      const result = await gate.sync();
      expect(result.errors).toEqual([]);
      expect(result.applied.map((change) => `${change.kind} ${change.branch}`)).toEqual(['create feature', 'create main']);
      expect(await headsOf(path.join(root, 'gates', 'demo.git'))).toEqual(await headsOf(bare));
      expect(result.protocolVersion).toBe(2); // AcceptEnv GIT_PROTOCOL on the host

      // The host's log shows one accepted publickey login for the whole sync (listing and fetch).
      const { stdout, stderr } = await execa('docker', ['logs', container!.getId()]);
      const logins = `${stdout}\n${stderr}`.split('\n').filter((line) => line.includes('Accepted publickey for git'));
      expect(logins).toHaveLength(1);
    } finally {
      await gate.close();
    }
  }, 120_000);
});
