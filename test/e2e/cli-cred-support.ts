// Shared by the cli-cred*.test.ts files: runs the built `gate` with stdin input and extra
// environment (the cli-fixture runner has neither), and small SSH facts computed independently.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { CliHome, CliRun } from '../helpers/cli-fixture.js';

export const BIN = fileURLToPath(new URL('../../bin/gate.js', import.meta.url));

/** Runs `gate` in the home's state root, with `input` on stdin (or an empty stdin) and extra env. */
export async function gateWith(cli: CliHome, args: readonly string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  const result = await execa('node', [BIN, ...args], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cli.home, NO_COLOR: '1', GATE_HOME: cli.root, ...options.env },
    extendEnv: false, reject: false, input: options.input ?? '', cwd: cli.home,
  });
  return { code: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Parses a --json stdout, failing with the run's output when it is not JSON. */
export function body(run: CliRun): Record<string, unknown> {
  try {
    return JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

/** OpenSSH's SHA256 fingerprint of "type base64 [comment]", computed here, not by git-gate. */
export function fingerprintOfLine(line: string): string {
  const blob = Buffer.from(line.trim().split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Every regular file under a directory, with its content. */
export async function filesUnder(dir: string): Promise<Array<{ file: string; text: string }>> {
  const out: Array<{ file: string; text: string }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push({ file, text: await readFile(file, 'latin1') });
  }
  return out;
}
