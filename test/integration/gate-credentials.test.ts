// GitGate itself over SSH (the scope's deploy key, served by its own agent, pinned host key) and
// over HTTPS (the scope's token through the constant credential helper), against real servers.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitGate } from '../../src/index.js';
import { setUpstreamToken, sshInit } from '../../src/ssh/index.js';
import { git, headsOf, tempDir, Upstream } from '../helpers/git-fixture.js';
import { type HttpGitServer, makeCertificate, startHttpGitServer } from '../helpers/http-git-server.js';
import { type SshGitServer, startSshGitServer } from '../helpers/ssh-git-server.js';

let upstream: Upstream;
let bare: string;
const servers: Array<SshGitServer | HttpGitServer> = [];
const gates: GitGate[] = [];

beforeAll(async () => {
  upstream = await Upstream.create();
  await upstream.commit('feature', 'feature work');
  bare = path.join(await tempDir('gate-served-'), 'repo.git');
  await git(path.dirname(bare), 'clone', '-q', '--bare', upstream.dir, bare);
});
afterAll(async () => {
  await Promise.all(gates.map((gate) => gate.close()));
  await Promise.all(servers.map((server) => server.close()));
});

/** A state root laid out as the gate command lays it out, and gates for scope `demo` in it. */
async function state(): Promise<{ vaultDir: string; gatePath: string; gate: (upstreamUrl: string, hostKeys?: string[]) => GitGate }> {
  const root = await tempDir('gate-state-');
  await mkdir(path.join(root, 'vault'), { mode: 0o700 });
  const vaultDir = path.join(root, 'vault', 'demo');
  const gatePath = path.join(root, 'gates', 'demo.git');
  const gate = (upstreamUrl: string, hostKeys?: string[]) => {
    const credentials = { vaultDir, knownHostsFile: path.join(root, 'known_hosts', 'demo'), ...(hostKeys ? { hostKeys } : {}) };
    const made = new GitGate({ scope: 'demo', gatePath, upstreamUrl, stateRoot: root, credentials });
    gates.push(made);
    return made;
  };
  return { vaultDir, gatePath, gate };
}

describe('GitGate over SSH with the scope vault', () => {
  it('syncs through the scope agent and a pinned host key, over one SSH connection', async () => {
    const { vaultDir, gatePath, gate } = await state();
    const { publicKey } = await sshInit({ vaultDir });
    const server = await startSshGitServer({ repos: { '/repo.git': bare }, authorizedKeys: [publicKey] });
    servers.push(server);
    const result = await gate(`ssh://git@127.0.0.1:${server.port}/repo.git`, [server.hostKey]).sync();
    expect(result.errors).toEqual([]);
    expect(result.applied.map((change) => `${change.kind} ${change.branch}`)).toEqual(['create feature', 'create main']);
    expect(await headsOf(gatePath)).toEqual(await headsOf(bare));
    // Listing and fetch shared one connection (ControlMaster in the transport's private dir).
    expect(server.connections).toBe(1);
    expect(server.signatureAlgorithms).toEqual(['ssh-ed25519']);
  });

  it('without a deploy key and without opting in, says how to fix it and touches nothing', async () => {
    const { gatePath, gate } = await state();
    const server = await startSshGitServer({ repos: { '/repo.git': bare }, authorizedKeys: [] });
    servers.push(server);
    const result = await gate(`ssh://git@127.0.0.1:${server.port}/repo.git`, [server.hostKey]).sync();
    expect(result.errors).toEqual([expect.objectContaining({ code: 'GATE_AUTH_NOT_CONFIGURED' })]);
    expect(result.errors[0]!.fix).toMatch(/gate ssh-init demo.*--use-personal-ssh/);
    expect(server.connections).toBe(0);
    expect(existsSync(gatePath)).toBe(false);
  });

  it('an unpinned host is refused as unknown, with the enrol step as the fix, and nothing is created', async () => {
    const { vaultDir, gatePath, gate } = await state();
    const { publicKey } = await sshInit({ vaultDir });
    const server = await startSshGitServer({ repos: { '/repo.git': bare }, authorizedKeys: [publicKey] });
    servers.push(server);
    const result = await gate(`ssh://git@127.0.0.1:${server.port}/repo.git`).sync();
    expect(result.errors).toEqual([expect.objectContaining({ code: 'GATE_HOST_KEY_UNKNOWN' })]);
    expect(result.errors[0]!.fix).toContain('gate trust-host');
    expect(existsSync(gatePath)).toBe(false);
  });
});

describe('GitGate over HTTPS with the scope token', () => {
  it('syncs with the stored token; the token is in no ref, config or result', async () => {
    const certificate = await makeCertificate();
    const token = 'ghp_' + 'q9'.repeat(18);
    const server = await startHttpGitServer({ certificate, projectRoot: path.dirname(bare), credentials: { username: 'x-access-token', password: token } });
    servers.push(server);
    const { vaultDir, gate, gatePath } = await state();
    await setUpstreamToken({ vaultDir, token });
    const previous = process.env['GIT_SSL_CAINFO'];
    process.env['GIT_SSL_CAINFO'] = certificate.certFile; // the operator's trust anchor, passed through
    try {
      const result = await gate(`https://127.0.0.1:${server.port}/repo.git`).sync();
      expect(result.errors).toEqual([]);
      expect(result.applied).toHaveLength(2);
      expect(JSON.stringify(result)).not.toContain(token);
      expect(await git(gatePath, 'config', '--list', '--local')).not.toContain(token);
      expect(server.requests.some((request) => request.authorization !== undefined)).toBe(true);
    } finally {
      if (previous === undefined) delete process.env['GIT_SSL_CAINFO'];
      else process.env['GIT_SSL_CAINFO'] = previous;
    }
  });
});
