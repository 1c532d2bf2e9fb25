// Helpers for test/security: poisoned environments, marker scripts, fake git executables,
// hostile objects and process-state probes. Everything here runs real git in temp dirs.
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, lstat, readdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { git, tempDir, type Upstream } from './git-fixture.js';

/** The real git executable, resolved once before any test changes PATH. */
export const REAL_GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

/** Writes an executable /bin/sh script and returns its path. */
export async function writeScript(dir: string, name: string, body: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

/** A script that creates `marker` (with its arguments) whenever anything runs it. */
export async function markerScript(dir: string, name: string, marker: string): Promise<string> {
  return writeScript(dir, name, `echo "ran $0 $*" >> '${marker}'\nexit 0`);
}

/**
 * Sets (or, for undefined, removes) process.env variables for the duration of `fn`, then puts
 * every one back exactly as it was.
 */
export async function withEnv<T>(vars: Readonly<Record<string, string | undefined>>, fn: () => Promise<T>): Promise<T> {
  const saved = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(vars)) {
    saved.set(key, process.env[key]);
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return await fn();
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/**
 * A directory holding a fake `git` that runs `prelude` (with "$@" = git's argv) and then execs the
 * real git. Prepend it to process.env.PATH to make GitGate's runner use it.
 */
export async function fakeGitDir(prelude: string): Promise<string> {
  const dir = await tempDir('gate-fakegit-');
  await writeScript(dir, 'git', `${prelude}\nexec '${REAL_GIT}' "$@"`);
  return dir;
}

/** The verb of a git argv as the runner builds it (after the `-c k=v` pairs and --git-dir). Shell snippet. */
export const SHELL_VERB = `verb=""; skip=0; for a in "$@"; do if [ $skip = 1 ]; then skip=0; continue; fi; case "$a" in -c) skip=1;; --git-dir=*) ;; *) verb="$a"; break;; esac; done`;

/** Runs git with exactly `env` (plus PATH), the way a careless caller would: the positive control. */
// An undefined value removes that variable from the defaults.
export async function rawGit(env: Readonly<Record<string, string | undefined>>, cwd: string, ...args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number | undefined }> {
  const merged: Record<string, string | undefined> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cwd, LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...env };
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(merged)) if (value !== undefined) clean[key] = value;
  const result = await execa(REAL_GIT, args, { cwd, reject: false, extendEnv: false, env: clean });
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode };
}

/** 'gone', 'zombie' (dead, not yet reaped) or 'alive', from /proc. */
export function processState(pid: number): 'gone' | 'zombie' | 'alive' {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 'gone';
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X' ? 'zombie' : 'alive';
}

/** Polls until `check` is true or the time is up; returns the last answer. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000, stepMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/** Every regular file under `dir` (symlinks not followed). */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) out.push(full);
    }
  };
  if (existsSync(dir)) await walk(dir);
  return out;
}

/** device:inode of every regular file under `dir`. */
export async function inodesUnder(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const file of await filesUnder(dir)) {
    const info = await lstat(file);
    out.set(`${info.dev}:${info.ino}`, file);
  }
  return out;
}

// A raw tree object: "<mode> <name>\0<20-byte id>" per entry, entries in the order given.
async function writeRawTree(repo: string, entries: ReadonlyArray<readonly [mode: string, name: string, sha: string]>): Promise<string> {
  const parts: Buffer[] = [];
  for (const [mode, name, sha] of entries) parts.push(Buffer.from(`${mode} ${name}\0`, 'utf8'), Buffer.from(sha, 'hex'));
  const file = path.join(await tempDir('gate-obj-'), 'tree');
  await writeFile(file, Buffer.concat(parts));
  return git(repo, 'hash-object', '-w', '--literally', '-t', 'tree', '--', file);
}

async function writeBlob(repo: string, content: string): Promise<string> {
  const file = path.join(await tempDir('gate-obj-'), 'blob');
  await writeFile(file, content);
  return git(repo, 'hash-object', '-w', '--', file);
}

/**
 * Puts a commit that git's fsck rejects on `branch` of the upstream (parent: main):
 * - 'dotgit': a tree with a `.GIT` directory holding a `config` (hasDotgit);
 * - 'gitmodules': a `.gitmodules` whose url starts with "-" (gitmodulesUrl), an ssh option injection.
 */
export async function hostileCommit(upstream: Upstream, branch: string, kind: 'dotgit' | 'gitmodules', marker = '/nonexistent/marker'): Promise<{ commit: string; badObject: string }> {
  const repo = upstream.dir;
  let tree: string;
  let badObject: string;
  if (kind === 'dotgit') {
    const blob = await writeBlob(repo, '[core]\n\thooksPath = /tmp\n');
    const inner = await writeRawTree(repo, [['100644', 'config', blob]]);
    tree = await writeRawTree(repo, [['40000', '.GIT', inner]]);
    badObject = tree;
  } else {
    badObject = await writeBlob(repo, `[submodule "x"]\n\tpath = x\n\turl = -oProxyCommand=touch${'${IFS}'}${marker}\n`);
    tree = await writeRawTree(repo, [['100644', '.gitmodules', badObject]]);
  }
  const parent = await upstream.sha('main');
  const commit = await git(repo, 'commit-tree', '-p', parent, '-m', `hostile ${kind}`, tree);
  await git(repo, 'update-ref', `refs/heads/${branch}`, commit);
  return { commit, badObject };
}

/** True when the repository has the object. */
export async function hasObject(repo: string, sha: string): Promise<boolean> {
  return git(repo, 'cat-file', '-e', sha).then(() => true, () => false);
}

/** A local HTTP server for transport tests; records each request's method, url and headers. */
export async function httpServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ url: string; port: number; requests: Array<{ method: string; url: string; authorization: string | undefined }>; connections: () => number; close: () => Promise<void> }> {
  const requests: Array<{ method: string; url: string; authorization: string | undefined }> = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res);
  });
  server.on('connection', () => {
    connections += 1;
  });
  server.on('connect', (req, socket) => {
    requests.push({ method: 'CONNECT', url: req.url ?? '', authorization: req.headers['proxy-authorization'] });
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
