// Repositories for the benchmarks, made quickly with `git fast-import` in temp dirs. Every git call
// made here (fixtures and the raw-git side of each comparison) runs with the host's config shut
// out and a pinned identity, so runs on different machines build the same histories.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const ROOTS = [];

/** A temp dir under os.tmpdir(), removed by cleanupAll(). */
export async function makeRoot(prefix = 'git-gate-bench-') {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  ROOTS.push(dir);
  return dir;
}

/** Removes every temp dir made by makeRoot(). */
export async function cleanupAll() {
  await Promise.all(ROOTS.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** The environment for fixture and raw-git processes: no system or global config, pinned identity. */
export function gitEnv(extra = {}) {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: os.tmpdir(),
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Bench Author',
    GIT_AUTHOR_EMAIL: 'author@example.test',
    GIT_COMMITTER_NAME: 'Bench Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.test',
    GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
    TZ: 'UTC',
    ...extra,
  };
}

/** Runs a program to completion; resolves stdout, rejects with stderr on a non-zero exit. */
export function run(file, args, { cwd, input, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: cwd ?? os.tmpdir(), env: env ?? gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) resolve(stdout);
      else reject(new Error(`${file} ${args.join(' ').slice(0, 300)} failed (${code ?? signal}): ${Buffer.concat(err).toString('utf8').slice(0, 2000)}`));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/** Runs git with the fixture environment. */
export function git(args, options = {}) {
  return run('git', ['-c', 'init.defaultBranch=main', ...args], options);
}

/** Runs git against a repository (bare or .git dir). */
export function gitDir(dir, args, options = {}) {
  return git([`--git-dir=${dir}`, ...args], options);
}

/** Size of a directory in KiB, as `du -sk` reports it. */
export async function diskKiB(dir) {
  const out = await run('du', ['-sk', dir], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
  return Number(out.split(/\s/)[0]);
}

/** Copies a directory tree as it is (modes, times), as a fresh starting point for one timed run. */
export async function copyTree(from, to) {
  await run('cp', ['-a', from, to], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
}

// ---------------------------------------------------------------------------------------------
// fast-import streams

const EPOCH = 1_767_225_600; // 2026-01-01T00:00:00Z

/** Builds a fast-import stream; marks are numbered as commits are added. */
export class ImportStream {
  constructor() {
    this.parts = [];
    this.mark = 0;
    this.time = EPOCH;
  }

  static data(text) {
    return `data ${Buffer.byteLength(text)}\n${text}\n`;
  }

  /**
   * Adds a commit on `ref`. `from` is a mark number, a commit-ish string (e.g. "refs/heads/x^0")
   * or null for a root commit; `files` maps path → content (null deletes). Returns the mark.
   */
  commit(ref, { from = null, message, files = {} }) {
    const mark = ++this.mark;
    this.time += 60;
    const lines = [`commit ${ref}`, `mark :${mark}`, `author Bench Author <author@example.test> ${this.time} +0000`, `committer Bench Committer <committer@example.test> ${this.time} +0000`];
    this.parts.push(lines.join('\n') + '\n' + ImportStream.data(message ?? `commit ${mark}`));
    if (from !== null) this.parts.push(`from ${typeof from === 'number' ? `:${from}` : from}\n`);
    for (const [file, content] of Object.entries(files)) {
      if (content === null) this.parts.push(`D ${file}\n`);
      else this.parts.push(`M 100644 inline ${file}\n${ImportStream.data(content)}`);
    }
    this.parts.push('\n');
    return mark;
  }

  /** Points a ref at a mark (refs outside refs/heads, e.g. refs/pull/N/head, or tags). */
  reset(ref, mark) {
    this.parts.push(`reset ${ref}\nfrom :${mark}\n\n`);
  }

  /** An annotated tag of a mark. */
  tag(name, mark) {
    this.time += 1;
    this.parts.push(`tag ${name}\nfrom :${mark}\ntagger Bench Committer <committer@example.test> ${this.time} +0000\n${ImportStream.data(`release ${name}`)}`);
  }

  toString() {
    return this.parts.join('') + 'done\n';
  }
}

/** Feeds a stream to `git fast-import` in a bare repository. */
export async function fastImport(repo, stream) {
  await gitDir(repo, ['fast-import', '--quiet', '--done'], { input: stream.toString() });
}

/** A new, empty bare repository. */
export async function initBare(dir) {
  await git(['init', '--bare', '--quiet', dir]);
  return dir;
}

/** Packs everything into one pack with a bitmap, the way a hosting service serves a repository. */
export async function serveReady(repo) {
  await gitDir(repo, ['repack', '-a', '-d', '-b', '-q']);
  await gitDir(repo, ['pack-refs', '--all']);
}

// Text that compresses like source code does: lines that vary a little from file to file.
function sourceText(seed, lines) {
  const out = [];
  for (let i = 0; i < lines; i++) out.push(`line ${i} of unit ${seed}: value_${(seed * 31 + i * 17) % 997} = compute(${i}, "${seed.toString(36)}");`);
  return out.join('\n') + '\n';
}

/**
 * An upstream with a linear main history of `commits` commits (each changes one of `files`
 * files), `branches` side branches with one commit each, `tags` annotated tags and `pulls`
 * refs/pull/N/head refs, each pointing at a distinct commit that no branch contains.
 * Returns the repository path and the branch names.
 */
export async function historyRepo(dir, { commits, files = 500, branches = 0, tags = 0, pulls = 0, dirs = 25 }) {
  await initBare(dir);
  const stream = new ImportStream();
  const fileName = (i) => `src/d${i % dirs}/f${i}.txt`;
  const initial = {};
  for (let i = 0; i < files; i++) initial[fileName(i)] = sourceText(i, 8);
  const mainMarks = [stream.commit('refs/heads/main', { message: 'initial import', files: initial })];
  for (let c = 1; c < commits; c++) {
    const f = (c * 7919) % files;
    mainMarks.push(stream.commit('refs/heads/main', { from: mainMarks[c - 1], message: `change ${c}`, files: { [fileName(f)]: sourceText(f, 8) + `revision ${c}\n` } }));
  }
  const names = [];
  for (let b = 0; b < branches; b++) {
    const name = `feature/b${String(b).padStart(4, '0')}`;
    names.push(name);
    const base = mainMarks[Math.floor(((b + 1) * (commits - 1)) / (branches + 1))];
    stream.commit(`refs/heads/${name}`, { from: base, message: `work on ${name}`, files: { [`branches/${name}.txt`]: `${name}\n` } });
  }
  for (let t = 0; t < tags; t++) stream.tag(`v1.${t}`, mainMarks[Math.floor(((t + 1) * (commits - 1)) / (tags + 1))]);
  for (let p = 1; p <= pulls; p++) {
    const base = mainMarks[(p * 6007) % commits];
    const mark = stream.commit('refs/heads/pull-tmp', { from: base, message: `pull request ${p}`, files: { [`pulls/p${p}.txt`]: `proposal ${p}\n` } });
    stream.reset(`refs/pull/${p}/head`, mark);
  }
  await fastImport(dir, stream);
  if (pulls > 0) await gitDir(dir, ['update-ref', '-d', 'refs/heads/pull-tmp']);
  await serveReady(dir);
  return { dir, branches: names };
}

/** Adds one commit on top of each named branch, all in one fast-import run. */
export async function advanceBranches(dir, branches, label = 'advance') {
  const stream = new ImportStream();
  stream.time += 1_000_000;
  for (const name of branches) {
    stream.commit(`refs/heads/${name}`, { from: `refs/heads/${name}^0`, message: `${label} ${name}`, files: { [`branches/${name}.txt`]: `${name} ${label}\n` } });
  }
  await fastImport(dir, stream);
}

/** An upstream with `files` files of source-like text in one tree, and a short history. */
export async function wideRepo(dir, { files, commits = 20, dirs = 100 }) {
  await initBare(dir);
  const stream = new ImportStream();
  const tree = {};
  for (let i = 0; i < files; i++) tree[`pkg${i % dirs}/module${i}.src`] = sourceText(i, 40);
  let mark = stream.commit('refs/heads/main', { message: 'initial import', files: tree });
  for (let c = 1; c < commits; c++) {
    const i = (c * 613) % files;
    mark = stream.commit('refs/heads/main', { from: mark, message: `change ${c}`, files: { [`pkg${i % dirs}/module${i}.src`]: sourceText(i, 40) + `// change ${c}\n` } });
  }
  await fastImport(dir, stream);
  await serveReady(dir);
  return dir;
}

let wideCounter = 0;

/** One new commit on main of a wideRepo, changing one file. */
export async function commitOnMain(dir) {
  const n = ++wideCounter;
  const stream = new ImportStream();
  stream.time += 2_000_000 + n * 60;
  stream.commit('refs/heads/main', { from: 'refs/heads/main^0', message: `bench commit ${n}`, files: { [`bench/change-${n}.txt`]: `change ${n}\n` } });
  await fastImport(dir, stream);
}
