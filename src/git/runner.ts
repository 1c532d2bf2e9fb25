import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { GateError } from '../errors/index.js';
import { type Logger, silentLogger } from '../log/index.js';
import { buildGitEnv, trustAnchorConfig } from './env.js';
import { GitCommandError } from './git-error.js';
import { privateHome } from './private-home.js';
import { progressLineSplitter } from './progress-lines.js';
import { hardeningArgs } from './profile.js';

/** Options for one git call. */
export interface GitRunOptions {
  /** Repository to operate on, passed as --git-dir (no discovery, no ownership guesswork). */
  gitDir?: string;
  /** Working directory, for the few calls that need a work tree (the clone cache). */
  cwd?: string;
  /** Bytes for stdin (e.g. an `update-ref --stdin` transaction). */
  input?: string;
  /** Milliseconds before the whole process group is killed; default from the runner. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Transport schemes allowed for this call (GIT_ALLOW_PROTOCOL); none by default. */
  allowProtocols?: readonly string[];
  /** Extra `-c key=value` for this call, after the hardening profile. */
  config?: readonly string[];
  /** Extra environment from git-gate's own code (ssh command, agent socket). */
  env?: Readonly<Record<string, string>>;
  /** Exit codes that are answers rather than failures (e.g. 1 from `merge-base --is-ancestor`). */
  okExitCodes?: readonly number[];
  /** Ask git for its trace2 event stream on fd 3 (used to learn the negotiated protocol). */
  trace2?: boolean;
  /** Each line of git's progress on stderr, sanitised, as it comes (stderr is still collected). */
  onProgress?: (line: string) => void;
}

/** What a successful git call produced. */
export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  trace2: string;
  durationMs: number;
}

/** Options shared by every call a runner makes. */
export interface GitRunnerOptions {
  gitPath?: string;
  logger?: Logger;
  defaultTimeoutMs?: number;
  /** Told about each git process group, so a lock can clean up after a killed owner. */
  onSpawn?: (pid: number) => void;
  onExit?: (pid: number) => void;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** Spawns git with the isolated environment and hardening profile; the only place that does. */
export class GitRunner {
  readonly gitPath: string;
  private readonly logger: Logger;
  private readonly defaultTimeoutMs: number;
  private readonly onSpawn: ((pid: number) => void) | undefined;
  private readonly onExit: ((pid: number) => void) | undefined;

  constructor(options: GitRunnerOptions = {}) {
    this.gitPath = options.gitPath ?? 'git';
    this.logger = options.logger ?? silentLogger();
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.onSpawn = options.onSpawn;
    this.onExit = options.onExit;
  }

  /** Runs git to completion; throws GitCommandError unless the exit code is 0 or listed as ok. */
  async run(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    const verb = args[0] ?? 'git';
    const started = Date.now();
    const child = this.spawn(args, options);
    const control = this.supervise(child, options);
    if (options.onProgress) child.stderr!.on('data', progressLineSplitter(options.onProgress));
    const collect = (stream: NodeJS.ReadableStream | null | undefined) => collectOutput(stream, child);
    const [stdout, stderr, trace2] = [collect(child.stdout), collect(child.stderr), collect(options.trace2 ? (child.stdio[3] as NodeJS.ReadableStream) : null)];
    let exit: ProcessExit;
    try {
      exit = await exitOf(child);
    } finally {
      control.release();
    }
    const [out, err, t2] = await Promise.all([stdout, stderr, trace2]);
    const durationMs = Date.now() - started;
    this.logger.debug({ verb, exitCode: exit.exitCode, signal: exit.signal, durationMs }, 'git');
    if (exit.exitCode !== undefined && (exit.exitCode === 0 || options.okExitCodes?.includes(exit.exitCode)) && !control.stopped()) {
      return { stdout: out, stderr: err, exitCode: exit.exitCode, trace2: t2, durationMs };
    }
    throw this.failure(verb, exit, control, err, options);
  }

  /**
   * Runs git and hands each stdout line to `onLine` as it arrives; `onLine` returns false to stop
   * early (the process group is then killed and that is not an error). Lines are split here,
   * synchronously per chunk (a per-line async iterator costs more than the walk it feeds), and
   * nothing is buffered, so memory stays flat however long the output.
   */
  async streamLines(args: readonly string[], onLine: (line: string) => boolean | void, options: GitRunOptions = {}): Promise<void> {
    const verb = args[0] ?? 'git';
    const child = this.spawn(args, options);
    const control = this.supervise(child, options);
    const stderr = collectOutput(child.stderr, child);
    let stoppedByCaller = false;
    const stdout = child.stdout!;
    let rest = '';
    const onData = (chunk: string) => {
      const text = rest + chunk;
      let start = 0;
      for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
        const line = text.slice(start, newline);
        start = newline + 1;
        if (onLine(line) === false) {
          stoppedByCaller = true;
          killGroup(child.pid);
          stdout.off('data', onData);
          stdout.resume(); // drain what is still in flight
          return;
        }
      }
      rest = text.slice(start);
    };
    stdout.setEncoding('utf8');
    stdout.on('data', onData);
    const ended = new Promise<void>((resolve) => stdout.once('close', resolve));
    let exit: ProcessExit;
    try {
      exit = await exitOf(child);
      await ended;
    } finally {
      control.release();
    }
    if (stoppedByCaller) return;
    if (rest !== '') onLine(rest);
    if (exit.exitCode === 0 && !control.stopped()) return;
    throw this.failure(verb, exit, control, await stderr, options);
  }

  private spawn(args: readonly string[], options: GitRunOptions): ChildProcess {
    const argv = [...hardeningArgs([...trustAnchorConfig(), ...(options.config ?? [])])];
    if (options.gitDir !== undefined) argv.push(`--git-dir=${options.gitDir}`);
    argv.push(...args);
    const env = buildGitEnv({ home: privateHome(), allowProtocols: options.allowProtocols ?? [], extra: options.env ?? {} });
    if (options.trace2) env['GIT_TRACE2_EVENT'] = '3';
    // node:child_process rather than execa: measured here, execa adds ~4 ms to every spawn, and a
    // no-op sync has a budget of ~12 ms (a raw `git fetch`). What execa gave (process-group kill,
    // clean-up on exit, buffering) is the few lines below.
    const child = spawn(this.gitPath, argv, {
      env,
      cwd: options.cwd ?? options.gitDir ?? privateHome(),
      // Its own process group, so a timeout or cancel kills git and every helper it started.
      detached: true,
      stdio: options.trace2 ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'],
    });
    child.stdin!.on('error', () => {}); // git may exit before reading all of its input
    child.stdin!.end(options.input ?? '');
    if (child.pid !== undefined) {
      const pid = child.pid;
      trackGroup(pid);
      this.onSpawn?.(pid);
      child.once('close', () => {
        liveGroups.delete(pid);
        this.onExit?.(pid);
      });
    }
    return child;
  }

  // Enforces the timeout and the abort signal by killing the process group.
  private supervise(child: ChildProcess, options: GitRunOptions): { release(): void; stopped(): 'timeout' | 'cancelled' | undefined } {
    let reason: 'timeout' | 'cancelled' | undefined;
    const stop = (why: 'timeout' | 'cancelled') => {
      if (reason === undefined) reason = why;
      killGroup(child.pid);
    };
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    timer.unref();
    const onAbort = () => stop('cancelled');
    if (options.signal?.aborted) stop('cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    return {
      release: () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      },
      stopped: () => reason,
    };
  }

  private failure(verb: string, exit: ProcessExit, control: { stopped(): 'timeout' | 'cancelled' | undefined }, stderr: string, options: GitRunOptions): GateError {
    if (exit.spawnError?.code === 'ENOENT') {
      // spawn says ENOENT for a missing working directory too: that is a missing repository, not a missing git.
      const cwd = options.cwd ?? options.gitDir;
      if (cwd !== undefined && !existsSync(cwd)) {
        return new GateError('GATE_NOT_A_GATE', `git ${verb} was asked to work in ${cwd}, which does not exist`, { fix: 'Check the path; a gate is created by its first sync.' });
      }
      return new GateError('GATE_GIT_NOT_FOUND', `git executable ${JSON.stringify(this.gitPath)} was not found`);
    }
    const stopped = control.stopped();
    return new GitCommandError(
      verb,
      { exitCode: exit.exitCode, signal: exit.signal, stderr, timedOut: stopped === 'timeout', cancelled: stopped === 'cancelled' },
      { cause: exit.spawnError },
    );
  }
}

/** How a git process ended. */
interface ProcessExit {
  exitCode: number | undefined;
  signal: string | undefined;
  /** Set when git could not be started at all (e.g. ENOENT). */
  spawnError?: NodeJS.ErrnoException;
}

function exitOf(child: ChildProcess): Promise<ProcessExit> {
  return new Promise((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ exitCode: undefined, signal: undefined, spawnError: error }));
    child.once('exit', (code, signal) => resolve({ exitCode: code ?? undefined, signal: signal ?? undefined }));
  });
}

const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

// Reads a stream to its end; past the cap, git is killed (its output is never needed whole).
function collectOutput(stream: NodeJS.ReadableStream | null | undefined, child: ChildProcess): Promise<string> {
  if (!stream) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) killGroup(child.pid);
      else chunks.push(chunk);
    });
    stream.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.once('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

// Git process groups still running; killed if this process exits first (git must not go on
// writing into a gate whose lock its owner no longer holds). Detached groups get no terminal
// signal of their own, so a fatal SIGINT/SIGTERM/SIGHUP is passed on — only when nothing else in
// the process handles that signal (an embedder's graceful shutdown decides for itself).
const liveGroups = new Set<number>();
let exitHooked = false;

function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', killLiveGroups);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) return;
      killLiveGroups();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function killLiveGroups(): void {
  for (const pid of liveGroups) killGroup(pid);
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
