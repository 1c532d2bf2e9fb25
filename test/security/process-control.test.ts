// THREATS "Hostile content" (a git that dies by signal is a failed operation, never a crash of the
// daemon) and "Size" (fetches are bounded by time): the runner classifies signal deaths, and a
// timeout or a cancel kills git's whole process group, helpers included.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitCommandError } from '../../src/index.js';
import { GitRunner } from '../../src/git/index.js';
import { gateOnLocalUpstream } from '../helpers/gate-fixture.js';
import { allRefs, tempDir } from '../helpers/git-fixture.js';
import { fakeGitDir, processState, SHELL_VERB, waitFor, withEnv, writeScript } from '../helpers/security-fixture.js';

async function rejection(run: Promise<unknown>): Promise<GitCommandError> {
  const error = await run.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(GitCommandError);
  return error as GitCommandError;
}

/** A fake git that starts a `sleep 30` child, records both pids, and waits. */
async function hangingGit(): Promise<{ gitPath: string; childPidFile: string; shellPidFile: string }> {
  const dir = await tempDir('gate-hang-');
  const childPidFile = path.join(dir, 'child.pid');
  const shellPidFile = path.join(dir, 'shell.pid');
  const gitPath = await writeScript(dir, 'git', `echo $$ > '${shellPidFile}.tmp' && mv '${shellPidFile}.tmp' '${shellPidFile}'\nsleep 30 </dev/null >/dev/null 2>&1 &\necho $! > '${childPidFile}.tmp' && mv '${childPidFile}.tmp' '${childPidFile}'\necho started\nwait`);
  return { gitPath, childPidFile, shellPidFile };
}

const pidIn = (file: string): number => Number(readFileSync(file, 'utf8').trim());
const dead = (pid: number) => processState(pid) !== 'alive';

describe('git dying by a signal is classified, not thrown raw', () => {
  // Mitigation: classifyGitFailure maps a signal death to 'crashed' → GATE_GIT_CRASHED.
  it("reports SIGSEGV as failure class 'crashed'", async () => {
    const dir = await tempDir();
    const gitPath = await writeScript(dir, 'git', 'echo "about to crash" >&2\nkill -SEGV $$');
    const error = await rejection(new GitRunner({ gitPath }).run(['fetch']));
    expect(error.failureClass).toBe('crashed');
    expect(error.code).toBe('GATE_GIT_CRASHED');
    expect(error.signal).toBe('SIGSEGV');
    expect(error.message).toMatch(/SIGSEGV/);
  });

  // Mitigation: a shell-style exit status 128+N (git re-raising, or a wrapper reporting a child's signal) is also 'crashed'.
  it("reports an exit status of 128+SIGABRT as 'crashed'", async () => {
    const dir = await tempDir();
    const gitPath = await writeScript(dir, 'git', "sh -c 'kill -ABRT $$'\nexit $?");
    const error = await rejection(new GitRunner({ gitPath }).run(['index-pack']));
    expect(error.exitCode).toBe(134);
    expect(error.failureClass).toBe('crashed');
    expect(error.code).toBe('GATE_GIT_CRASHED');
  });
});

describe('timeouts and cancellation kill the whole process group', () => {
  // Control for the two tests below: killing only git's own pid leaves its helper running (what a naive kill would do).
  it('control: a helper outlives a kill of its parent alone', async () => {
    const { gitPath, childPidFile } = await hangingGit();
    const parent = spawn(gitPath, [], { stdio: 'ignore' });
    expect(await waitFor(() => existsSync(childPidFile))).toBe(true);
    const child = pidIn(childPidFile);
    parent.kill('SIGKILL');
    await new Promise((resolve) => parent.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(processState(child)).toBe('alive');
    process.kill(child, 'SIGKILL');
    expect(await waitFor(() => dead(child))).toBe(true);
  });

  // Mitigation: git runs detached in its own process group and a timeout SIGKILLs the group (-pid), helpers included.
  it("kills git and its helper on timeout and reports failure class 'timeout'", async () => {
    const { gitPath, childPidFile, shellPidFile } = await hangingGit();
    const started = Date.now();
    const error = await rejection(new GitRunner({ gitPath }).run(['fetch'], { timeoutMs: 1500 }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error.failureClass).toBe('timeout');
    expect(error.code).toBe('GATE_GIT_TIMEOUT');
    expect(error.timedOut).toBe(true);
    const child = pidIn(childPidFile);
    expect(await waitFor(() => dead(child), 3000)).toBe(true);
    expect(await waitFor(() => dead(pidIn(shellPidFile)), 3000)).toBe(true);
  });

  // Mitigation: the runner's default timeout (GitRunnerOptions.defaultTimeoutMs) applies the same group kill.
  it('applies the default timeout of the runner', async () => {
    const { gitPath, childPidFile } = await hangingGit();
    const started = Date.now();
    const error = await rejection(new GitRunner({ gitPath, defaultTimeoutMs: 1500 }).run(['fetch']));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error.failureClass).toBe('timeout');
    expect(await waitFor(() => dead(pidIn(childPidFile)), 3000)).toBe(true);
  });

  // Mitigation: an AbortSignal SIGKILLs the process group too, reported as 'cancelled'.
  it("kills git and its helper on abort and reports failure class 'cancelled'", async () => {
    const { gitPath, childPidFile, shellPidFile } = await hangingGit();
    const controller = new AbortController();
    const run = new GitRunner({ gitPath }).run(['fetch'], { signal: controller.signal });
    expect(await waitFor(() => existsSync(childPidFile))).toBe(true);
    const child = pidIn(childPidFile);
    expect(processState(child)).toBe('alive');
    const aborted = Date.now();
    controller.abort();
    const error = await rejection(run);
    expect(Date.now() - aborted).toBeLessThan(5_000);
    expect(error.failureClass).toBe('cancelled');
    expect(error.code).toBe('GATE_CANCELLED');
    expect(await waitFor(() => dead(child), 3000)).toBe(true);
    expect(await waitFor(() => dead(pidIn(shellPidFile)), 3000)).toBe(true);
  });

  // Mitigation: the streaming path (streamLines) is supervised the same way.
  it('kills the process group of a streaming call on timeout', async () => {
    const { gitPath, childPidFile } = await hangingGit();
    const lines: string[] = [];
    const started = Date.now();
    const error = await rejection(new GitRunner({ gitPath }).streamLines(['rev-list'], (line) => {
      lines.push(line);
    }, { timeoutMs: 1500 }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(lines).toContain('started');
    expect(error.failureClass).toBe('timeout');
    expect(await waitFor(() => dead(pidIn(childPidFile)), 3000)).toBe(true);
  });
});

describe('GitGate.sync turns a hung or cancelled fetch into a failed, rolled-back sync', () => {
  async function gateWithHangingFetch(): Promise<{ run: (fn: () => Promise<unknown>) => Promise<unknown>; childPidFile: string }> {
    const dir = await tempDir('gate-hang-');
    const childPidFile = path.join(dir, 'child.pid');
    const fake = await fakeGitDir(`${SHELL_VERB}\nif [ "$verb" = fetch ]; then sleep 30 </dev/null >/dev/null 2>&1 & echo $! > '${childPidFile}.tmp'; mv '${childPidFile}.tmp' '${childPidFile}'; wait; exit 1; fi`);
    return { run: (fn) => withEnv({ PATH: `${fake}:${process.env['PATH']}` }, fn), childPidFile };
  }

  // Mitigation: networkTimeoutMs bounds the fetch; the group is killed; sync reports GATE_GIT_TIMEOUT and moves no ref.
  it('reports GATE_GIT_TIMEOUT and kills the fetch group', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream({ networkTimeoutMs: 1500 });
    expect((await gate.sync()).success).toBe(true);
    const before = await allRefs(gatePath);
    await upstream.commit('main', 'more');
    const { run, childPidFile } = await gateWithHangingFetch();
    const result = (await run(() => gate.sync())) as Awaited<ReturnType<typeof gate.sync>>;
    expect(result.success).toBe(false);
    expect(result.errors[0]?.code).toBe('GATE_GIT_TIMEOUT');
    expect(await allRefs(gatePath)).toEqual(before);
    expect(await waitFor(() => dead(pidIn(childPidFile)), 3000)).toBe(true);
  });

  // Mitigation: the sync's AbortSignal reaches the fetch; sync reports GATE_CANCELLED (no throw) and moves no ref.
  it('reports GATE_CANCELLED when aborted mid-fetch and kills the fetch group', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    expect((await gate.sync()).success).toBe(true);
    const before = await allRefs(gatePath);
    await upstream.commit('main', 'more');
    const { run, childPidFile } = await gateWithHangingFetch();
    const controller = new AbortController();
    const result = (await run(async () => {
      const pending = gate.sync({ signal: controller.signal });
      expect(await waitFor(() => existsSync(childPidFile), 10_000)).toBe(true);
      controller.abort();
      return pending;
    })) as Awaited<ReturnType<typeof gate.sync>>;
    expect(result.success).toBe(false);
    expect(result.errors[0]?.code).toBe('GATE_CANCELLED');
    expect(await allRefs(gatePath)).toEqual(before);
    expect(await waitFor(() => dead(pidIn(childPidFile)), 3000)).toBe(true);
  });
});

/** Spawns a helper script with node and resolves once it printed "ready". */
async function startChild(script: string, args: string[]): Promise<{ child: ReturnType<typeof spawn>; output: () => string }> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, '..', 'helpers', script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  expect(await waitFor(() => out.includes('ready'), 10_000)).toBe(true);
  return { child, output: () => out };
}

describe('git outliving its owner', () => {
  // Mitigation: the lock records each git group with its start time; whoever recovers the lock of a
  // dead owner kills those groups, so they cannot go on writing into the gate.
  it('the next lock owner kills the git processes a dead owner left running', async () => {
    const { gitPath, childPidFile, shellPidFile } = await hangingGit();
    const dir = await tempDir('gate-orphan-');
    const lockPath = path.join(dir, 'demo.git.lock');
    const { child } = await startChild('lock-holder-child.mjs', [lockPath, gitPath]);
    expect(await waitFor(() => existsSync(childPidFile))).toBe(true);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const [shell, helper] = [pidIn(shellPidFile), pidIn(childPidFile)];
    expect(processState(shell)).toBe('alive'); // kill -9 of the owner alone leaves git running
    const { acquireGateLock } = await import('../../src/gate/lock.js');
    const { silentLogger } = await import('../../src/index.js');
    const lock = await acquireGateLock(lockPath, { logger: silentLogger(), waitMs: 10_000 });
    expect(lock.recovered).toBe(true);
    expect(await waitFor(() => dead(shell) && dead(helper))).toBe(true);
    await lock.release();
  });

  // Mitigation: git runs in its own process group, out of reach of the terminal's signals; the
  // runner passes a fatal SIGTERM on to the groups it started before the process dies.
  it('a process killed by SIGTERM takes its git process groups with it', async () => {
    const { gitPath, childPidFile, shellPidFile } = await hangingGit();
    const { child } = await startChild('runner-signal-child.mjs', [gitPath]);
    expect(await waitFor(() => existsSync(childPidFile))).toBe(true);
    child.kill('SIGTERM');
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
    expect(signal).toBe('SIGTERM'); // still dies by the signal, as it would without the runner
    expect(code).toBe(null);
    expect(await waitFor(() => dead(pidIn(shellPidFile)) && dead(pidIn(childPidFile)))).toBe(true);
  });

  // An embedder that handles SIGTERM itself (a graceful shutdown) decides; git is left running.
  it('a process that handles SIGTERM itself keeps its git processes', async () => {
    const { gitPath, childPidFile, shellPidFile } = await hangingGit();
    const { child, output } = await startChild('runner-signal-child.mjs', [gitPath, 'handled']);
    expect(await waitFor(() => existsSync(childPidFile))).toBe(true);
    child.kill('SIGTERM');
    expect(await waitFor(() => output().includes('handled'))).toBe(true);
    expect(processState(pidIn(shellPidFile))).toBe('alive');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    process.kill(-pidIn(shellPidFile), 'SIGKILL');
  });
});
