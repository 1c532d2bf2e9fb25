// A streaming spawn of `git upload-pack` / `git receive-pack --stateless-rpc` for a smart-HTTP
// server. GitRunner.run buffers input and output, which a 1 GiB push cannot afford; this gives the
// caller git's stdin and stdout as streams instead, with the same isolated environment
// (buildGitEnv: from empty, private HOME) and the same `-c` hardening profile as every other call.
import { type ChildProcess, spawn } from 'node:child_process';
import { buildGitEnv } from './env.js';
import { privateHome } from './private-home.js';
import { hardeningArgs } from './profile.js';

/** The two services smart HTTP speaks. */
export type GitService = 'upload-pack' | 'receive-pack';

/** How a service process ended. */
export interface ServiceExit {
  exitCode: number | null;
  signal: string | null;
  spawnError: Error | null;
}

/** One running service process. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  /** The process group (git and anything it started, such as a pre-receive hook). */
  readonly pgid: number | undefined;
  /** Resolves when git has exited and its stdout/stderr are closed. */
  readonly done: Promise<ServiceExit>;
  /** The first 64 KiB of git's stderr, for a log line only (never for a client). */
  stderr(): string;
  /**
   * Stops git: first by closing its stdin (receive-pack then fails its unpack and removes its
   * quarantine itself; git 2.39 leaves the quarantine behind when a signal stops it mid-unpack),
   * then SIGTERM to the group after a grace period, then SIGKILL after another.
   */
  kill(): void;
}

/** What to start. */
export interface ServiceSpawnOptions {
  gitPath?: string;
  service: GitService;
  /** The repository served (a gate). */
  repoPath: string;
  /** `--http-backend-info-refs`: only advertise refs (GET …/info/refs). */
  advertise: boolean;
  /** `-c` pairs after the hardening profile (the last value of a key wins). */
  config: readonly string[];
  /** Variables buildGitEnv allows from git-gate's own code (GIT_PROTOCOL, GIT_GATE_*). */
  env: Readonly<Record<string, string>>;
  /** Milliseconds between closing stdin and SIGTERM, and between SIGTERM and SIGKILL (default 2 s). */
  killGraceMs?: number;
}

const STDERR_CAP = 64 * 1024;
const KILL_GRACE_MS = 2_000;

// Groups still running; SIGKILLed if this process exits first, so no receive-pack goes on
// writing into a gate after its daemon is gone.
const live = new Set<number>();
let exitHooked = false;

/** Starts one stateless-rpc service in its own process group. */
export function spawnServiceProcess(options: ServiceSpawnOptions): ServiceProcess {
  const argv = [...hardeningArgs(options.config), options.service, '--stateless-rpc'];
  if (options.advertise) argv.push('--http-backend-info-refs');
  if (options.service === 'upload-pack') argv.push('--strict');
  argv.push('--end-of-options', options.repoPath);
  const child = spawn(options.gitPath ?? 'git', argv, {
    env: buildGitEnv({ home: privateHome(), extra: options.env }),
    cwd: options.repoPath,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pgid = child.pid;
  if (pgid !== undefined) track(pgid);
  child.stdin!.on('error', () => {}); // git may stop reading early (it refused the request)
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < STDERR_CAP) stderr += chunk.toString('utf8').slice(0, STDERR_CAP - stderr.length);
  });
  const done = new Promise<ServiceExit>((resolve) => {
    child.once('error', (error) => resolve({ exitCode: null, signal: null, spawnError: error }));
    child.once('close', (exitCode, signal) => resolve({ exitCode, signal, spawnError: null }));
  }).finally(() => {
    if (pgid !== undefined) live.delete(pgid);
  });
  let killing = false;
  // Once git is gone, what it started (a hook still running) goes too: signalled at once, while
  // the group still has members, so the id cannot have been reused.
  child.once('exit', () => {
    if (killing && pgid !== undefined) signalGroup(pgid, 'SIGKILL');
  });
  return {
    child, pgid, done,
    stderr: () => stderr,
    kill: () => {
      if (killing || pgid === undefined) return;
      killing = true;
      child.stdin!.destroy();
      const grace = options.killGraceMs ?? KILL_GRACE_MS;
      const term = setTimeout(() => signalGroup(pgid, 'SIGTERM'), grace);
      const kill = setTimeout(() => signalGroup(pgid, 'SIGKILL'), 2 * grace);
      term.unref();
      kill.unref();
      void done.then(() => {
        clearTimeout(term);
        clearTimeout(kill);
      });
    },
  };
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

function track(pgid: number): void {
  live.add(pgid);
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const group of live) signalGroup(group, 'SIGKILL');
  });
}
