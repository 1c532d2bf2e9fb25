// `gate serve` as a user runs it: the built CLI in its own process, a real git client cloning and
// pushing through the git listener, probes over the admin unix socket, and SIGTERM in the middle
// of a push leaving the gate consistent.
import { execa } from 'execa';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/server/tokens.js';
import { cliHome, expectUserError } from '../helpers/cli-fixture.js';
import { git, tempDir, Upstream } from '../helpers/git-fixture.js';
import { receivePackRunning } from '../helpers/receive-pack-watch.js';

const BIN = fileURLToPath(new URL('../../bin/gate.js', import.meta.url));
const CLIENT_ENV = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', HOME: '/nonexistent' };

beforeAll(async () => {
  await execa('npm', ['run', 'build', '--silent'], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });
});

interface Served {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function stateWithProject(config: string) {
  const base = await tempDir('gate-serve-e2e-');
  const upstream = await Upstream.create(base);
  const root = path.join(base, 'state');
  await mkdir(path.join(root, 'projects'), { recursive: true, mode: 0o700 });
  await writeFile(path.join(root, 'config.yaml'), config);
  await writeFile(path.join(root, 'projects', 'demo.yaml'), `name: demo\nupstream:\n  url: ${upstream.dir}\n  allow_local: true\n  default_branch: main\nsync:\n  interval: 1h\n`);
  return { base, root, upstream };
}

// Starts `gate serve` and resolves once it printed its admin line.
async function serve(root: string, ...args: string[]): Promise<Served> {
  const child = spawn('node', [BIN, '--home', root, 'serve', ...args], { env: { PATH: CLIENT_ENV.PATH, HOME: path.dirname(root), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; i < 200 && !/^admin: |"admin":/m.test(out); i++) {
    if (child.exitCode !== null) throw new Error(`gate serve exited ${child.exitCode}:\n${out}\n${err}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, stdout: () => out, stderr: () => err, exit };
}

function adminGet(socketPath: string, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ socketPath, path: url, headers: { Host: 'localhost' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

function lockFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(current, entry.name));
      else if (entry.name.endsWith('.lock')) found.push(path.join(current, entry.name));
    }
  };
  walk(dir);
  return found;
}

describe('gate serve', () => {
  it('serves a clone to a token from the state root, answers probes, and survives SIGTERM during a push', async () => {
    const { base, root, upstream } = await stateWithProject('serve:\n  git_listen: ["127.0.0.1:0"]\n');
    const daemon = await serve(root, '--verbose');
    const lines = daemon.stdout().trim().split('\n');
    expect(lines[0]).toMatch(/^git: 127\.0\.0\.1:\d+$/);
    const socket = path.join(root, 'run', 'admin.sock');
    expect(lines[1]).toBe(`admin: unix:${socket}`);
    const port = Number(lines[0]!.split(':')[2]);

    expect(await adminGet(socket, '/healthz')).toBe(200);
    let ready = 0;
    for (let i = 0; i < 100 && ready !== 200; i++) {
      ready = await adminGet(socket, '/readyz');
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(ready).toBe(200);

    const { token } = await new TokenStore(root).mint({ project: 'demo', task: 't1', capability: 'write', ttlSeconds: 600 });
    const url = `http://t1:${token}@127.0.0.1:${port}/demo.git`;
    const work = path.join(base, 'work');
    await execa('git', ['clone', '-q', url, work], { env: CLIENT_ENV, extendEnv: false });
    expect(await git(work, 'rev-parse', 'HEAD')).toBe(await upstream.sha('main'));

    // A push big enough to still be on the wire when the signal arrives.
    await writeFile(path.join(work, 'big.bin'), randomBytes(48 * 1024 * 1024));
    await git(work, 'add', 'big.bin');
    await git(work, 'commit', '-q', '-m', 'big work');
    const pushed = await git(work, 'rev-parse', 'HEAD');
    const gatePath = path.join(root, 'gates', 'demo.git');
    const push = execa('git', ['-c', 'http.postBuffer=1048576', 'push', '-q', 'origin', 'HEAD:refs/heads/agent/t1/big'], { cwd: work, env: CLIENT_ENV, extendEnv: false, reject: false });
    // Wait until receive-pack is running for this push, then ask the daemon to stop.
    expect(await receivePackRunning(gatePath)).toBe(true);
    daemon.child.kill('SIGTERM');
    const [code, pushResult] = await Promise.all([daemon.exit, push]);
    expect(daemon.stderr()).toMatch(/"msg":"daemon stopping"[\s\S]*"service":"receive-pack","advertise":false[^\n]*"bytesIn":5\d{7}[\s\S]*"msg":"daemon stopped"/);
    expect(code, daemon.stderr()).toBe(0);
    expect(existsSync(socket)).toBe(false);

    // The gate is consistent whichever way the push ended.
    const fsck = await execa('git', ['fsck', '--no-progress', '--no-dangling'], { cwd: gatePath, env: { ...CLIENT_ENV, GIT_DIR: gatePath }, extendEnv: false, reject: false });
    expect(fsck.exitCode, fsck.stderr).toBe(0);
    expect(lockFiles(gatePath)).toEqual([]);
    const branch = await git(gatePath, 'for-each-ref', '--format=%(objectname)', 'refs/heads/agent/t1/big');
    expect(['', pushed]).toContain(branch);
    // With the default 30 s grace the push finishes: it was running when the signal came.
    expect(pushResult.exitCode, pushResult.stderr).toBe(0);
    expect(branch).toBe(pushed);
  });

  it('--json prints one object on one line with the bound addresses', async () => {
    const { root } = await stateWithProject('serve:\n  git_listen: ["127.0.0.1:0"]\n');
    const daemon = await serve(root, '--json');
    const [first] = daemon.stdout().split('\n');
    const document = JSON.parse(first!) as Record<string, unknown>;
    expect(document).toMatchObject({ schemaVersion: 1, command: 'serve', admin: `unix:${path.join(root, 'run', 'admin.sock')}`, projects: ['demo'], skipped: [] });
    expect(document['git']).toEqual([expect.stringMatching(/^127\.0\.0\.1:\d+$/)]);
    daemon.child.kill('SIGINT');
    expect(await daemon.exit).toBe(0);
  });

  it('an address in use is one error line with a code and a fix, exit 1', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const home = await cliHome();
      await mkdir(home.root, { recursive: true });
      await writeFile(path.join(home.root, 'config.yaml'), `serve:\n  git_listen: ["127.0.0.1:${(blocker.address() as net.AddressInfo).port}"]\n`);
      expectUserError(await home.gate('serve'), 'GATE_LISTEN_FAILED');
    } finally {
      blocker.close();
    }
  });

  it('a non-loopback address is refused before anything binds', async () => {
    const home = await cliHome();
    await mkdir(home.root, { recursive: true });
    await writeFile(path.join(home.root, 'config.yaml'), 'serve:\n  git_listen: ["0.0.0.0:7419"]\n');
    const run = await home.gate('serve');
    expectUserError(run, 'GATE_CONFIG_INVALID');
    expect(run.stderr).toContain('allow_non_loopback');
  });
});
