// Against a real OpenSSH sshd on loopback (skipped with a printed reason when it is not
// installed): real `ssh` logins through the scope agent (OpenSSH sends session-bind first), RSA
// with rsa-sha2-512, one TCP connection for several git calls, host-key pinning and enrolment.
import { execa } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGateError } from '../../src/errors/index.js';
import { GitCommandError, GitRunner, lsRemoteArgs, parseUpstreamUrl } from '../../src/git/index.js';
import { createLogger } from '../../src/log/index.js';
import { createScopeTransport, importKey, scanHostKeys, type ScopeTransportOptions, sshInit, trustHost, VAULT_SSH_COMMAND } from '../../src/ssh/index.js';
import { tempDir, Upstream } from '../helpers/git-fixture.js';
import { type Sshd, sshdUnavailable, startSshd } from '../helpers/sshd.js';

const unavailable = sshdUnavailable();
if (unavailable) console.log(`skipped: ${unavailable}`);

const runner = new GitRunner({ defaultTimeoutMs: 30_000 });

describe.skipIf(unavailable !== undefined)('credentials against a real sshd', () => {
  let sshd: Sshd;
  let upstream: Upstream;
  let state: string;
  const scopes: Record<string, { publicKey: string; vaultDir: string }> = {};

  beforeAll(async () => {
    upstream = await Upstream.create();
    state = await tempDir('gate-state-');
    const work = await tempDir('gate-keys-');
    await execa('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '384', '-N', '', '-f', path.join(work, 'ec')]);
    for (const [name, init] of [
      ['ed', (vaultDir: string) => sshInit({ vaultDir })],
      ['rsa', (vaultDir: string) => sshInit({ vaultDir, type: 'rsa' })],
      ['ec', async (vaultDir: string) => importKey({ vaultDir, privateKeyText: await readFile(path.join(work, 'ec'), 'utf8') })],
    ] as const) {
      const vaultDir = path.join(state, 'vault', name);
      scopes[name] = { vaultDir, publicKey: (await init(vaultDir)).publicKey };
    }
    sshd = await startSshd({ authorizedKeys: Object.values(scopes).map((scope) => scope.publicKey), hostKeyTypes: ['ed25519', 'rsa'] });
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  function options(name: string, extra: Partial<ScopeTransportOptions> = {}): ScopeTransportOptions {
    return {
      scope: name,
      upstream: parseUpstreamUrl(`ssh://${sshd.user}@127.0.0.1:${sshd.port}${upstream.dir}`),
      vaultDir: scopes[name]!.vaultDir,
      knownHostsFile: path.join(state, 'known_hosts', `${name}-${Math.random().toString(36).slice(2)}`),
      hostKeys: sshd.hostKeys,
      ...extra,
    };
  }

  // Runs the constant command exactly as git does: sh -c '<command> "$@"' with the transport's env.
  function sshAsGit(env: Record<string, string>, ...args: string[]) {
    return execa('sh', ['-c', `${VAULT_SSH_COMMAND} "$@"`, 'ssh', '-p', String(sshd.port), `${sshd.user}@127.0.0.1`, ...args], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
      extendEnv: false,
      reject: false,
    });
  }

  it('real ssh logins work through the agent for ed25519, RSA (rsa-sha2-512) and imported ECDSA', async () => {
    for (const name of ['ed', 'rsa', 'ec']) {
      const lines: string[] = [];
      const stream = new PassThrough();
      stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
      const transport = createScopeTransport({ ...options(name), logger: createLogger({ destination: stream }) });
      const { env } = await transport.transport();
      const login = await sshAsGit(env, 'echo', 'logged-in-as', name);
      expect(login.stderr, name).not.toMatch(/agent refused|sign_and_send_pubkey/);
      expect(login.stdout, name).toBe(`logged-in-as ${name}`);
      const listed = await execa('ssh-add', ['-l'], { env: { SSH_AUTH_SOCK: env['GIT_GATE_SSH_AUTH_SOCK']! } });
      expect(listed.stdout).toContain(`git-gate:${name}`);
      expect(listed.stdout.split('\n')).toHaveLength(1);
      await transport.close();
      const algorithms = lines.map((line) => JSON.parse(line) as { event?: string; algorithm?: string }).filter((e) => e.event === 'ssh_agent_sign').map((e) => e.algorithm);
      expect(algorithms, name).toEqual([{ ed: 'ssh-ed25519', rsa: 'rsa-sha2-512', ec: 'ecdsa-sha2-nistp384' }[name]]);
    }
  });

  it('three git ls-remote calls through one transport cost one TCP connection', async () => {
    const transport = createScopeTransport(options('ed'));
    const before = await sshd.connectionCount();
    const sha = await upstream.sha('main');
    for (let i = 0; i < 3; i++) {
      const settings = await transport.transport();
      const { stdout } = await runner.run(lsRemoteArgs(options('ed').upstream.url), { allowProtocols: ['ssh'], env: settings.env, config: settings.config });
      expect(stdout).toContain(`${sha}\trefs/heads/main`);
    }
    await transport.close();
    expect((await sshd.connectionCount()) - before).toBe(1);
  });

  it('unknown host → host_key_unknown, changed host key → host_key_mismatch, a fingerprint pin resolves to the right line', async () => {
    const url = options('ed').upstream.url;
    const failure = async (extra: Partial<ScopeTransportOptions>) => {
      const transport = createScopeTransport(options('ed', extra));
      try {
        const { env } = await transport.transport();
        const error = await runner.run(lsRemoteArgs(url), { allowProtocols: ['ssh'], env }).then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(GitCommandError);
        return error as GitCommandError;
      } finally {
        await transport.close();
      }
    };
    expect((await failure({ hostKeys: [] })).code).toBe('GATE_HOST_KEY_UNKNOWN');
    const stranger = (await execa('sh', ['-c', 'd=$(mktemp -d) && ssh-keygen -q -t ed25519 -N "" -f "$d/k" && cat "$d/k.pub" && rm -r "$d"'])).stdout;
    const mismatch = await failure({ hostKeys: [stranger] });
    expect(mismatch.code).toBe('GATE_HOST_KEY_MISMATCH');
    expect(mismatch.stderr).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');

    const scanned = await scanHostKeys({ host: '127.0.0.1', port: sshd.port });
    expect(scanned.map((key) => key.type).sort()).toEqual(['ssh-ed25519', 'ssh-rsa']);
    for (const key of scanned) {
      const file = path.join(await tempDir('gate-fp-'), 'k.pub');
      await writeFile(file, `${key.type} ${key.blob}\n`);
      expect((await execa('ssh-keygen', ['-lf', file])).stdout.split(' ')[1]).toBe(key.fingerprint);
    }
    const rsaKey = scanned.find((key) => key.type === 'ssh-rsa')!;
    const pinned = options('ed', { hostKeys: [rsaKey.fingerprint] });
    const transport = createScopeTransport(pinned);
    const settings = await transport.transport();
    expect(await readFile(pinned.knownHostsFile, 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ssh-rsa ${rsaKey.blob}\n`);
    await runner.run(lsRemoteArgs(url), { allowProtocols: ['ssh'], env: settings.env });
    await transport.close();
    const wrongPin = createScopeTransport(options('ed', { hostKeys: ['SHA256:' + 'A'.repeat(43)] }));
    const refused = await wrongPin.transport().then(() => undefined, (e: unknown) => e);
    expect(isGateError(refused, 'GATE_HOST_KEY_MISMATCH')).toBe(true);
  });

  it('trust-host pins what the host shows and never replaces a different pinned key without --replace', async () => {
    const knownHostsFile = path.join(state, 'known_hosts', 'enrol');
    const stranger = (await execa('sh', ['-c', 'd=$(mktemp -d) && ssh-keygen -q -t ed25519 -N "" -f "$d/k" && cat "$d/k.pub" && rm -r "$d"'])).stdout.split(' ');
    await trustHost({ knownHostsFile, host: '127.0.0.1', port: sshd.port });
    const first = await readFile(knownHostsFile, 'utf8');
    expect(first.trim().split('\n')).toHaveLength(2);
    await writeFile(knownHostsFile, `[127.0.0.1]:${sshd.port} ${stranger[0]} ${stranger[1]}\n`, { mode: 0o600 });
    const refused = await trustHost({ knownHostsFile, host: '127.0.0.1', port: sshd.port }).then(() => undefined, (e: unknown) => e);
    expect(isGateError(refused, 'GATE_HOST_KEY_MISMATCH')).toBe(true);
    expect(await readFile(knownHostsFile, 'utf8')).toContain(stranger[1]);
    await trustHost({ knownHostsFile, host: '127.0.0.1', port: sshd.port, replace: true });
    expect(await readFile(knownHostsFile, 'utf8')).toBe(first);
    const transport = createScopeTransport(options('ed', { knownHostsFile, hostKeys: [] }));
    const settings = await transport.transport();
    await runner.run(lsRemoteArgs(options('ed').upstream.url), { allowProtocols: ['ssh'], env: settings.env });
    await transport.close();
  });
});
