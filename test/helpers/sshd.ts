// A real OpenSSH sshd on loopback for tests, when /usr/sbin/sshd is installed: its own host key,
// config and authorized_keys in a temp dir, a free high port, AcceptEnv GIT_PROTOCOL. It counts
// connections from its log (-e, LogLevel VERBOSE).
import { execa } from 'execa';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { tempDir } from './git-fixture.js';

export const SSHD_PATH = '/usr/sbin/sshd';

/** Why sshd tests cannot run here, or undefined when they can. */
export function sshdUnavailable(): string | undefined {
  return existsSync(SSHD_PATH) ? undefined : 'sshd not installed';
}

/** A running sshd. */
export interface Sshd {
  readonly port: number;
  /** Host key lines' key parts ("ssh-ed25519 AAAA…"), one per host key type. */
  readonly hostKeys: string[];
  readonly user: string;
  /** Connections sshd has accepted so far (from its log, once the log has been quiet for 150 ms). */
  connectionCount(): Promise<number>;
  /** Replaces the authorised keys. */
  authorize(keys: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts sshd with ed25519 and RSA host keys (or only the given types). */
export async function startSshd(options: { authorizedKeys: readonly string[]; hostKeyTypes?: ReadonlyArray<'ed25519' | 'rsa' | 'ecdsa'> }): Promise<Sshd> {
  const dir = await tempDir('gate-sshd-');
  const types = options.hostKeyTypes ?? ['ed25519'];
  const hostKeys: string[] = [];
  for (const type of types) {
    const file = path.join(dir, `host_${type}`);
    await execa('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
    hostKeys.push((await execa('cat', [`${file}.pub`])).stdout.split(' ').slice(0, 2).join(' '));
  }
  const authorizedKeys = path.join(dir, 'authorized_keys');
  await writeFile(authorizedKeys, options.authorizedKeys.join('\n') + '\n', { mode: 0o600 });
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const config = [
    'ListenAddress 127.0.0.1',
    `Port ${port}`,
    ...types.map((type) => `HostKey ${path.join(dir, `host_${type}`)}`),
    `AuthorizedKeysFile ${authorizedKeys}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'AcceptEnv GIT_PROTOCOL',
    'LogLevel VERBOSE',
    'MaxStartups 100',
  ].join('\n');
  const configFile = path.join(dir, 'sshd_config');
  await writeFile(configFile, config + '\n');
  const child: ChildProcess = spawn(SSHD_PATH, ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (log.includes('Server listening')) return resolve();
      if (child.exitCode !== null || Date.now() - started > 10_000) return reject(new Error(`sshd did not start: ${log}`));
      setTimeout(poll, 10);
    };
    poll();
  });
  const user = (await execa('id', ['-un'])).stdout.trim();
  return {
    port,
    hostKeys,
    user,
    connectionCount: async () => {
      // sshd's log reaches us asynchronously: wait until it stops growing before counting.
      for (let seen = -1; seen !== log.length; ) {
        seen = log.length;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      return (log.match(/Connection from 127\.0\.0\.1/g) ?? []).length;
    },
    authorize: (keys) => writeFile(authorizedKeys, keys.join('\n') + '\n', { mode: 0o600 }),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
