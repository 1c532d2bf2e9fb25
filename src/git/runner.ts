import { execa, type ResultPromise } from 'execa';
import { GateError } from '../errors/index.js';
import { type Logger, silentLogger } from '../log/index.js';
import { buildGitEnv } from './env.js';
import { GitCommandError } from './git-error.js';
import { privateHome } from './private-home.js';
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
    const subprocess = this.spawn(args, options);
    const control = this.supervise(subprocess, options);
    let result;
    try {
      result = await subprocess;
    } finally {
      control.release();
    }
    const durationMs = Date.now() - started;
    const stderr = String(result.stderr ?? '');
    this.logger.debug({ verb, exitCode: result.exitCode, signal: result.signal, durationMs }, 'git');
    if (result.exitCode !== undefined && (result.exitCode === 0 || options.okExitCodes?.includes(result.exitCode)) && !control.stopped()) {
      return { stdout: String(result.stdout ?? ''), stderr, exitCode: result.exitCode, trace2: String((result.stdio as unknown[])[3] ?? ''), durationMs };
    }
    throw this.failure(verb, result, control, stderr);
  }

  /**
   * Runs git and hands each stdout line to `onLine` as it arrives; `onLine` returns false to stop
   * early (the process group is then killed and that is not an error).
   */
  async streamLines(args: readonly string[], onLine: (line: string) => boolean | void, options: GitRunOptions = {}): Promise<void> {
    const verb = args[0] ?? 'git';
    const subprocess = this.spawn(args, { ...options, input: options.input });
    const control = this.supervise(subprocess, options);
    let stoppedByCaller = false;
    try {
      for await (const line of subprocess.iterable({ from: 'stdout' })) {
        if (onLine(String(line)) === false) {
          stoppedByCaller = true;
          killGroup(subprocess.pid);
          break;
        }
      }
      const result = await subprocess;
      if (stoppedByCaller) return;
      if (result.exitCode === 0 && !control.stopped()) return;
      throw this.failure(verb, result, control, String(result.stderr ?? ''));
    } catch (error) {
      if (stoppedByCaller) return;
      if (error instanceof GateError) throw error;
      const result = error as { exitCode?: number; signal?: string; stderr?: unknown };
      throw this.failure(verb, result, control, String(result.stderr ?? ''), error);
    } finally {
      control.release();
    }
  }

  private spawn(args: readonly string[], options: GitRunOptions): ResultPromise<{ reject: false }> {
    const argv = [...hardeningArgs(options.config ?? [])];
    if (options.gitDir !== undefined) argv.push(`--git-dir=${options.gitDir}`);
    argv.push(...args);
    const env = buildGitEnv({ home: privateHome(), allowProtocols: options.allowProtocols ?? [], extra: options.env ?? {} });
    if (options.trace2) env['GIT_TRACE2_EVENT'] = '3';
    const subprocess = execa(this.gitPath, argv, {
      env,
      extendEnv: false,
      cwd: options.cwd ?? options.gitDir ?? privateHome(),
      input: options.input ?? '',
      reject: false,
      stripFinalNewline: false,
      // Its own process group, so a timeout or cancel kills git and every helper it started.
      detached: true,
      cleanup: true,
      maxBuffer: 512 * 1024 * 1024,
      stdio: options.trace2 ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'],
    }) as unknown as ResultPromise<{ reject: false }>;
    if (subprocess.pid !== undefined) {
      const pid = subprocess.pid;
      this.onSpawn?.(pid);
      void subprocess.finally(() => this.onExit?.(pid));
    }
    return subprocess;
  }

  // Enforces the timeout and the abort signal by killing the process group.
  private supervise(subprocess: ResultPromise<{ reject: false }>, options: GitRunOptions): { release(): void; stopped(): 'timeout' | 'cancelled' | undefined } {
    let reason: 'timeout' | 'cancelled' | undefined;
    const stop = (why: 'timeout' | 'cancelled') => {
      if (reason === undefined) reason = why;
      killGroup(subprocess.pid);
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

  private failure(verb: string, result: { exitCode?: number; signal?: string; code?: string }, control: { stopped(): 'timeout' | 'cancelled' | undefined }, stderr: string, cause?: unknown): GateError {
    if (result.code === 'ENOENT' || (result as { cause?: { code?: string } }).cause?.code === 'ENOENT') {
      return new GateError('GATE_GIT_NOT_FOUND', `git executable ${JSON.stringify(this.gitPath)} was not found`);
    }
    const stopped = control.stopped();
    return new GitCommandError(
      verb,
      { exitCode: result.exitCode, signal: result.signal ?? undefined, stderr, timedOut: stopped === 'timeout', cancelled: stopped === 'cancelled' },
      { cause },
    );
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
