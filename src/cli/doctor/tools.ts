import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GitRunner } from '../../git/index.js';
import { fail, type Finding, ok, warn } from './finding.js';

const run = promisify(execFile);

export const MIN_GIT = [2, 39] as const;
export const MIN_OPENSSH = [8, 9] as const;

/** git's version, through the same hardened runner every sync uses. */
export async function checkGit(): Promise<Finding> {
  try {
    const { stdout } = await new GitRunner().run(['version']);
    const version = /git version (\d+)\.(\d+)/.exec(stdout);
    if (!version) return warn('git', `could not read git's version from ${JSON.stringify(stdout.trim().slice(0, 80))}`, 'Install git 2.39 or newer.');
    const found = `${version[1]}.${version[2]}`;
    return atLeast(version, MIN_GIT) ? ok('git', `git ${found} (minimum ${MIN_GIT.join('.')})`) : fail('git', `git ${found} is older than ${MIN_GIT.join('.')}`, 'Install git 2.39 or newer and put it first on PATH.');
  } catch {
    return fail('git', 'git was not found on PATH', 'Install git 2.39 or newer and make sure it is on PATH.');
  }
}

/** OpenSSH's version (`ssh -V` prints it on stderr); needed only for SSH upstreams. */
export async function checkSsh(): Promise<Finding> {
  try {
    const { stdout, stderr } = await run('ssh', ['-V'], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C' }, timeout: 10_000 });
    const text = `${stderr}${stdout}`;
    const version = /OpenSSH_(\d+)\.(\d+)/.exec(text);
    if (!version) return warn('ssh', `ssh is not OpenSSH (${JSON.stringify(text.trim().slice(0, 80))})`, 'Install OpenSSH 8.9 or newer for SSH upstreams.');
    const found = `${version[1]}.${version[2]}`;
    return atLeast(version, MIN_OPENSSH) ? ok('ssh', `OpenSSH ${found} (minimum ${MIN_OPENSSH.join('.')})`) : warn('ssh', `OpenSSH ${found} is older than ${MIN_OPENSSH.join('.')}`, 'Install OpenSSH 8.9 or newer; HTTPS and local upstreams do not need it.');
  } catch {
    return warn('ssh', 'ssh was not found on PATH', 'Install OpenSSH 8.9 or newer if any project uses an SSH upstream.');
  }
}

function atLeast(version: RegExpExecArray, minimum: readonly [number, number]): boolean {
  const major = Number(version[1]);
  const minor = Number(version[2]);
  return major > minimum[0] || (major === minimum[0] && minor >= minimum[1]);
}
