// Runs the built `gate` command as a user would: a fresh state root (GATE_HOME), a temp HOME and
// a minimal environment, so nothing of the developer's set-up leaks in.
import { execa } from 'execa';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { tempDir } from './git-fixture.js';

const BIN = fileURLToPath(new URL('../../bin/gate.js', import.meta.url));

/** What one run of `gate` printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A state root plus a runner bound to it. */
export interface CliHome {
  root: string;
  home: string;
  gate(...args: string[]): Promise<CliRun>;
  /** Runs with --json and returns the parsed stdout with the run. */
  json(...args: string[]): Promise<CliRun & { body: Record<string, unknown> }>;
}

/** A fresh state root under a temp dir (not created: `gate` creates what it needs). */
export async function cliHome(extraEnv: Record<string, string> = {}): Promise<CliHome> {
  const base = await tempDir('gate-cli-');
  const home = path.join(base, 'home');
  await mkdir(home);
  const root = path.join(base, 'state');
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, NO_COLOR: '1', GATE_HOME: root, ...extraEnv };
  const gate = async (...args: string[]): Promise<CliRun> => {
    const result = await execa('node', [BIN, ...args], { env, extendEnv: false, reject: false, stdin: 'ignore', cwd: base });
    return { code: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  };
  return {
    root,
    home,
    gate,
    async json(...args) {
      const run = await gate(...args, '--json');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(run.stdout) as Record<string, unknown>;
      } catch {
        throw new Error(`stdout of gate ${args.join(' ')} --json is not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
      }
      return { ...run, body };
    },
  };
}

/** A user mistake: exactly the one error line and its fix on stderr, no stack trace. */
export function expectUserError(run: CliRun, code: string, exitCode = 1): void {
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(exitCode);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(new RegExp(`^gate: error ${code}: \\S`));
  expect(lines[1]).toMatch(/^fix: \S/);
  expect(lines).toHaveLength(2);
  expectNoStackTrace(run);
}

/** No "    at fn (file:line)" frames anywhere. */
export function expectNoStackTrace(run: CliRun): void {
  expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/^\s+at .+[:(]/m);
}
