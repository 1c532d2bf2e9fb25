// The composed daemon in process: projects loaded from a state root (a broken one skipped), the
// git endpoint on loopback TCP, the admin API on its private unix socket, and a clean stop.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGlobalConfig, statePaths } from '../../src/config/index.js';
import { startDaemon } from '../../src/server/daemon.js';
import { git, headsOf, tempDir, Upstream } from '../helpers/git-fixture.js';
import { receivePackRunning } from '../helpers/receive-pack-watch.js';

const CLIENT_ENV = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };

async function stateRoot(config: string, projects: Record<string, string>) {
  const base = await tempDir('gate-daemon-');
  const paths = statePaths(path.join(base, 'state'));
  await mkdir(paths.projectsDir, { recursive: true });
  await writeFile(paths.globalConfig, config);
  for (const [name, text] of Object.entries(projects)) await writeFile(path.join(paths.projectsDir, `${name}.yaml`), text);
  return { base, paths, global: await loadGlobalConfig(paths) };
}

function adminGet(socketPath: string, url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: url, headers: { Host: 'localhost', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('daemon', () => {
  it('serves clones and probes, skips a broken project, and stops without leaving a socket', async () => {
    const upstreamRoot = await tempDir('gate-daemon-up-');
    const upstream = await Upstream.create(upstreamRoot);
    await upstream.commit('feature', 'feature work');
    const { paths, global } = await stateRoot('serve:\n  git_listen: ["127.0.0.1:0"]\n', {
      demo: `name: demo\nupstream:\n  url: ${upstream.dir}\n  allow_local: true\nsync:\n  interval: 1h\n`,
      scratch: 'name: scratch\n',
      broken: 'name: broken\nupstream: [not, a, mapping]\n',
    });
    const daemon = await startDaemon({ paths, global, graceMs: 2000 });
    try {
      expect(daemon.skipped).toEqual([{ name: 'broken', code: 'GATE_CONFIG_INVALID' }]);
      expect(daemon.state.projects().map((p) => p.name).sort()).toEqual(['demo', 'scratch']);
      const socket = path.join(paths.root, 'run', 'admin.sock');
      expect(daemon.adminListener).toBe(`unix:${socket}`);
      expect(statSync(socket).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(socket)).mode & 0o777).toBe(0o700);
      expect(daemon.gitListeners).toHaveLength(1);
      const port = Number(/^127\.0\.0\.1:(\d+)$/.exec(daemon.gitListeners[0]!)![1]);
      expect(port).toBeGreaterThan(0);

      expect((await adminGet(socket, '/healthz')).status).toBe(200);
      await daemon.startup;
      expect((await adminGet(socket, '/readyz')).status).toBe(200);
      expect(daemon.state.lastSync('demo')).toMatchObject({ trigger: 'startup', success: true });
      expect((await adminGet(socket, '/readyz', { Host: 'evil.example' })).status).toBe(421);
      expect(daemon.scheduler.status('demo')).toMatchObject({ state: 'waiting', failures: 0 });

      const { token } = await daemon.state.tokens.mint({ project: 'demo', task: 't1', capability: 'read', ttlSeconds: 600 });
      const work = path.join(await tempDir('gate-daemon-clone-'), 'work');
      await execa('git', ['clone', '-q', `http://t:${token}@127.0.0.1:${port}/demo.git`, work], { env: CLIENT_ENV, extendEnv: false });
      // The gate follows upstream's HEAD (the fixture's work tree is on feature).
      expect(await headsOf(work)).toEqual(new Map([['feature', await upstream.sha('feature')]]));
      const listed = await execa('git', ['ls-remote', '--heads', 'origin'], { cwd: work, env: CLIENT_ENV, extendEnv: false });
      expect(listed.stdout).toContain(`${await upstream.sha('main')}\trefs/heads/main`);
      const denied = await execa('git', ['ls-remote', `http://t:${token}@127.0.0.1:${port}/scratch.git`], { env: CLIENT_ENV, extendEnv: false, reject: false });
      expect(denied.exitCode).not.toBe(0);
    } finally {
      await daemon.stop();
    }
    expect(existsSync(path.join(paths.root, 'run', 'admin.sock'))).toBe(false);
    expect(await portAnswers(Number(daemon.gitListeners[0]!.split(':')[1]))).toBe(false);
    // stop() is idempotent.
    await daemon.stop();
  });

  it('an address in use is refused with GATE_LISTEN_FAILED and nothing is left listening', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { paths, global } = await stateRoot(`serve:\n  git_listen: ["127.0.0.1:${port}"]\n`, {});
      const failure = await startDaemon({ paths, global }).then(() => null, (error: unknown) => error);
      expect(failure).toMatchObject({ code: 'GATE_LISTEN_FAILED' });
      expect((failure as Error).message).toContain(`127.0.0.1:${port}: the address is in use`);
      expect(existsSync(path.join(paths.root, 'run', 'admin.sock'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('a second daemon on the same state root refuses the live admin socket; a dead one is replaced', async () => {
    const { paths, global } = await stateRoot('serve:\n  git_listen: ["127.0.0.1:0"]\n', {});
    const first = await startDaemon({ paths, global });
    const second = await startDaemon({ paths, global }).then(() => null, (error: unknown) => error);
    expect(second).toMatchObject({ code: 'GATE_LISTEN_FAILED' });
    expect((second as Error).message).toMatch(/another process is serving on it/);
    await first.stop();
    // A socket file left by a crashed daemon (nobody listening) is taken over.
    const socket = path.join(paths.root, 'run', 'admin.sock');
    await execa('node', ['-e', "require('net').createServer().listen(process.argv[1], () => process.kill(process.pid, 'SIGKILL'))", socket], { reject: false });
    expect(existsSync(socket)).toBe(true);
    const third = await startDaemon({ paths, global });
    expect((await adminGet(socket, '/healthz')).status).toBe(200);
    await third.stop();
  });

  it('a push still running when the grace period ends is cancelled and leaves the gate consistent', async () => {
    const upstream = await Upstream.create(await tempDir('gate-daemon-up-'));
    const { base, paths, global } = await stateRoot('serve:\n  git_listen: ["127.0.0.1:0"]\n', {
      demo: `name: demo\nupstream:\n  url: ${upstream.dir}\n  allow_local: true\n`,
    });
    const daemon = await startDaemon({ paths, global, graceMs: 150 });
    await daemon.startup;
    const port = Number(daemon.gitListeners[0]!.split(':')[1]);
    const { token } = await daemon.state.tokens.mint({ project: 'demo', task: 't1', capability: 'write', ttlSeconds: 600 });
    const work = path.join(base, 'work');
    await execa('git', ['clone', '-q', `http://t:${token}@127.0.0.1:${port}/demo.git`, work], { env: CLIENT_ENV, extendEnv: false });
    await writeFile(path.join(work, 'big.bin'), randomBytes(64 * 1024 * 1024));
    await git(work, 'add', 'big.bin');
    await git(work, 'commit', '-q', '-m', 'big');
    const pushed = await git(work, 'rev-parse', 'HEAD');
    const gatePath = path.join(paths.gatesDir, 'demo.git');
    const push = execa('git', ['push', '-q', 'origin', 'HEAD:refs/heads/agent/t1/big'], { cwd: work, env: { ...CLIENT_ENV, HOME: base }, extendEnv: false, reject: false });
    expect(await receivePackRunning(gatePath)).toBe(true);
    const stopping = Date.now();
    await daemon.stop();
    expect(Date.now() - stopping).toBeLessThan(10_000);
    const result = await push;
    const branch = await git(gatePath, 'for-each-ref', '--format=%(objectname)', 'refs/heads/agent/t1/big');
    expect(['', pushed]).toContain(branch);
    if (branch === '') expect(result.exitCode).not.toBe(0);
    const fsck = await execa('git', ['--git-dir', gatePath, 'fsck', '--no-progress', '--no-dangling'], { env: CLIENT_ENV, extendEnv: false, reject: false });
    expect(fsck.exitCode, fsck.stderr).toBe(0);
    const leftovers: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(path.join(dir, entry.name));
        else if (entry.name.endsWith('.lock') || entry.name.startsWith('tmp_')) leftovers.push(entry.name);
      }
    };
    walk(gatePath);
    expect(leftovers).toEqual([]);
    expect(readdirSync(path.join(gatePath, 'objects')).filter((name) => name.startsWith('incoming-'))).toEqual([]);
  });
});
