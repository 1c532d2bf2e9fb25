// Scenario 6: a no-op sync over a real OpenSSH server on loopback, through the scope's vault key,
// agent and pinned host key, against a raw no-op `git fetch` with the same ssh options (the same
// constant command, agent and one multiplexed connection per run). Skipped when no sshd exists.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { GitGate, sshInit } from '../dist/index.js';
import { createScopeTransport } from '../dist/ssh/index.js';
import { parseUpstreamUrl } from '../dist/git/index.js';
import { gitDir, gitEnv, historyRepo, initBare, run } from './fixtures.mjs';
import { alternate, ms, ratio } from './measure.mjs';

const SSHD = '/usr/sbin/sshd';

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startSshd(dir, authorizedKey) {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_ed25519')]);
  await writeFile(path.join(dir, 'authorized_keys'), `${authorizedKey}\n`, { mode: 0o600 });
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const config = [
    'ListenAddress 127.0.0.1', `Port ${port}`, `HostKey ${path.join(dir, 'host_ed25519')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`, `PidFile ${path.join(dir, 'sshd.pid')}`,
    'StrictModes no', 'UsePAM no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password', 'AcceptEnv GIT_PROTOCOL', 'MaxStartups 100',
  ].join('\n');
  await writeFile(path.join(dir, 'sshd_config'), `${config}\n`);
  const child = spawn(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((resolve) => net.connect(port, '127.0.0.1').once('connect', function () { this.destroy(); resolve(true); }).once('error', () => resolve(false)));
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const hostKey = (await run('cat', [path.join(dir, 'host_ed25519.pub')])).split(' ').slice(0, 2).join(' ');
  return { port, hostKey, stop: () => child.kill('SIGTERM') };
}

export async function scenarioSshNoop(table, root, { iterations = 11 } = {}) {
  if (!existsSync(SSHD)) {
    table.add({ scenario: '6', measure: 'no-op sync over loopback sshd', pass: null, target: 'skipped: no sshd' });
    return;
  }
  const upstream = await historyRepo(path.join(root, 'upstream-ssh.git'), { commits: 3000, branches: 49, tags: 10 });
  const state = path.join(root, 'ssh-state');
  await mkdir(path.join(state, 'vault'), { recursive: true, mode: 0o700 });
  const vaultDir = path.join(state, 'vault', 'bench');
  const knownHostsFile = path.join(state, 'known_hosts', 'bench');
  const { publicKey } = await sshInit({ vaultDir });
  const sshd = await startSshd(await mkdirp(path.join(root, 'sshd')), publicKey);
  try {
    const url = `ssh://root@127.0.0.1:${sshd.port}${upstream.dir}`;
    const gate = new GitGate({ scope: 'bench', gatePath: path.join(root, 'ssh-gate'), upstreamUrl: url, credentials: { vaultDir, knownHostsFile, hostKeys: [sshd.hostKey] } });
    const first = await gate.sync();
    if (!first.success) throw new Error(`initial ssh sync failed: ${JSON.stringify(first.errors)}`);
    // Raw git with the very same transport settings (constant ssh command, agent, pins, control path).
    const transport = createScopeTransport({ scope: 'bench-raw', upstream: parseUpstreamUrl(url), vaultDir, knownHostsFile, hostKeys: [sshd.hostKey] });
    const settings = await transport.transport();
    const mirror = await initBare(path.join(root, 'ssh-raw.git'));
    const rawEnv = { ...settings.env, GIT_ALLOW_PROTOCOL: 'ssh' };
    const rawArgs = ['fetch', '--prune', url, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];
    await gitDir(mirror, rawArgs, { env: gitEnv(rawEnv) });
    const results = await alternate([
      {
        name: 'gate',
        run: async () => {
          const result = await gate.sync();
          if (!result.success || result.fetched || result.applied.length > 0) throw new Error(`no-op ssh sync did something: ${JSON.stringify(result.errors)}`);
        },
      },
      { name: 'raw', run: () => gitDir(mirror, rawArgs, { env: gitEnv(rawEnv) }) },
    ], { iterations, warmup: 2 });
    await gate.close();
    await transport.close();
    const g = results.gate.median;
    const r = results.raw.median;
    table.add({ scenario: '6', measure: 'no-op sync over loopback sshd (vault key, agent, pinned host)', gate: ms(g), raw: ms(r), ratio: ratio(g / r), target: 'gate/raw <= 1.10x', pass: g / r <= 1.1 });
    table.note(`[6] raw = git fetch --prune <ssh url> '+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*' with the same GIT_SSH_COMMAND, agent, known_hosts and ControlMaster path as the gate's transport; both reuse their master connection between runs (ControlPersist); median of ${iterations} alternating runs after 2 warm-ups.`);
  } finally {
    sshd.stop();
  }
}

async function mkdirp(dir) {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}
