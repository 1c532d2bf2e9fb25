// Real git repositories in temp dirs for tests: host config isolated, identity and default branch
// pinned, dates fixed so shas are repeatable within a test.
import { execa } from 'execa';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const FIXTURE_ENV = {
  PATH: process.env['PATH'] ?? '/usr/bin:/bin',
  HOME: os.tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.test',
  GIT_COMMITTER_NAME: 'Test Committer',
  GIT_COMMITTER_EMAIL: 'committer@example.test',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  GIT_ALLOW_PROTOCOL: 'file',
  LC_ALL: 'C',
};

/** Runs git for fixture set-up (not through git-gate's runner). */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execa('git', ['-c', 'init.defaultBranch=main', '-c', 'protocol.file.allow=always', ...args], { cwd, env: FIXTURE_ENV, extendEnv: false });
  return stdout.trim();
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh temp dir removed after the test file. */
export async function tempDir(prefix = 'gate-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A non-bare upstream repository with helpers to change it. */
export class Upstream {
  private counter = 0;
  constructor(readonly dir: string) {}

  static async create(root?: string, options: { empty?: boolean } = {}): Promise<Upstream> {
    const dir = path.join(root ?? (await tempDir()), 'upstream');
    await mkdir(dir, { recursive: true });
    await git(dir, 'init', '-q', '-b', 'main');
    const upstream = new Upstream(dir);
    if (!options.empty) await upstream.commit('main', 'initial');
    return upstream;
  }

  /** Commits a new file on `branch` (created from the current HEAD when missing); returns the sha. */
  async commit(branch: string, message = `commit ${++this.counter}`, files?: Record<string, string>): Promise<string> {
    const exists = await git(this.dir, 'rev-parse', '--verify', '-q', `refs/heads/${branch}`).then(() => true, () => false);
    const hasHead = await git(this.dir, 'rev-parse', '--verify', '-q', 'HEAD').then(() => true, () => false);
    if (exists) await git(this.dir, 'checkout', '-q', branch);
    else if (hasHead) await git(this.dir, 'checkout', '-q', '-b', branch);
    else await git(this.dir, 'checkout', '-q', '--orphan', branch);
    const content = files ?? { [`file-${++this.counter}.txt`]: `${message}\n` };
    for (const [name, text] of Object.entries(content)) {
      await mkdir(path.dirname(path.join(this.dir, name)), { recursive: true });
      await writeFile(path.join(this.dir, name), text);
    }
    await git(this.dir, 'add', '-A');
    await git(this.dir, 'commit', '-q', '-m', message);
    return this.sha(branch);
  }

  async sha(ref: string): Promise<string> {
    return git(this.dir, 'rev-parse', '--verify', `${ref.startsWith('refs/') ? ref : `refs/heads/${ref}`}^{commit}`);
  }

  /** Rewrites a branch: resets it to `to` and adds a new commit, as a force-push would. */
  async rewrite(branch: string, to: string): Promise<string> {
    await git(this.dir, 'checkout', '-q', branch);
    await git(this.dir, 'reset', '-q', '--hard', to);
    return this.commit(branch, `rewrite of ${branch}`);
  }

  async deleteBranch(branch: string): Promise<void> {
    await git(this.dir, 'checkout', '-q', '--detach');
    await git(this.dir, 'branch', '-q', '-D', branch);
  }

  async tag(name: string, ref: string, annotated = true): Promise<void> {
    if (annotated) await git(this.dir, 'tag', '-f', '-a', '-m', `tag ${name}`, name, ref);
    else await git(this.dir, 'tag', '-f', name, ref);
  }

  async setHead(branch: string): Promise<void> {
    await git(this.dir, 'symbolic-ref', 'HEAD', `refs/heads/${branch}`);
  }
}

/** Branch → sha of a (bare or not) repository's heads. */
export async function headsOf(repo: string): Promise<Map<string, string>> {
  const out = await git(repo, 'for-each-ref', '--format=%(refname:strip=2) %(objectname)', 'refs/heads/');
  return new Map(out.split('\n').filter(Boolean).map((line) => line.split(' ') as [string, string]));
}

/** Every ref of a repository (including hidden namespaces). */
export async function allRefs(repo: string): Promise<Map<string, string>> {
  const out = await git(repo, 'for-each-ref', '--format=%(refname) %(objectname)');
  return new Map(out.split('\n').filter(Boolean).map((line) => line.split(' ').reverse() as [string, string]).map(([sha, ref]) => [ref, sha]));
}

/** Pushes a new commit on top of `base` straight into the gate, as a container would. */
export async function pushToGate(gatePath: string, branch: string, base: string | null, message = 'gate work'): Promise<string> {
  const work = await tempDir('gate-work-');
  await git(work, 'init', '-q');
  if (base !== null) {
    await git(work, 'fetch', '-q', gatePath, base);
    await git(work, 'checkout', '-q', '-b', 'w', base);
  } else await git(work, 'checkout', '-q', '--orphan', 'w');
  await writeFile(path.join(work, `${message.replace(/\W+/g, '-')}-${Math.random().toString(36).slice(2)}.txt`), `${message}\n`);
  await git(work, 'add', '-A');
  await git(work, 'commit', '-q', '-m', message);
  await git(work, 'push', '-q', '--force', gatePath, `HEAD:refs/heads/${branch}`);
  return git(work, 'rev-parse', 'HEAD');
}
