// Real git over SSH through the scope's agent and the constant ssh command, against the
// in-process ssh2 git server (runs everywhere): ed25519, RSA (server sees rsa-sha2-*) and an
// imported ECDSA key; one connection per transport; pinned, unknown and changed host keys.
import { execa } from 'execa';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGateError } from '../../src/errors/index.js';
import { GitCommandError, GitRunner, lsRemoteArgs, parseUpstreamUrl } from '../../src/git/index.js';
import { createLogger } from '../../src/log/index.js';
import { createScopeTransport, fingerprintOf, importKey, type ScopeTransportOptions, sshInit, trustHost } from '../../src/ssh/index.js';
import { git, tempDir, Upstream } from '../helpers/git-fixture.js';
import { type SshGitServer, startSshGitServer } from '../helpers/ssh-git-server.js';

const runner = new GitRunner({ defaultTimeoutMs: 30_000 });
let upstream: Upstream;
let mainSha: string;

beforeAll(async () => {
  upstream = await Upstream.create();
  mainSha = await upstream.sha('main');
});

interface Scope {
  options: ScopeTransportOptions;
  publicKey: string;
}

async function makeScope(name: string, server: { port: number; hostKey: string } | null, init: (vaultDir: string) => Promise<{ publicKey: string }>, extra: Partial<ScopeTransportOptions> = {}): Promise<Scope> {
  const root = await tempDir('gate-state-');
  await mkdir(path.join(root, 'vault'), { mode: 0o700 });
  const vaultDir = path.join(root, 'vault', name);
  const { publicKey } = await init(vaultDir);
  return {
    publicKey,
    options: {
      scope: name,
      upstream: parseUpstreamUrl(`ssh://git@127.0.0.1:${server?.port ?? 1}/repo.git`),
      vaultDir,
      knownHostsFile: path.join(root, 'known_hosts', name),
      ...(server ? { hostKeys: [server.hostKey] } : {}),
      ...extra,
    },
  };
}

async function lsRemote(options: ScopeTransportOptions, transport: { transport(): Promise<{ env: Record<string, string>; config: string[] }> }): Promise<string> {
  const settings = await transport.transport();
  const { stdout } = await runner.run(lsRemoteArgs(options.upstream.url), { allowProtocols: ['ssh'], env: settings.env, config: settings.config });
  return stdout;
}

async function failureOf(promise: Promise<unknown>): Promise<GitCommandError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(GitCommandError);
  return error as GitCommandError;
}

const servers: SshGitServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});
async function server(authorizedKeys: string[]): Promise<SshGitServer> {
  const started = await startSshGitServer({ repos: { '/repo.git': upstream.dir }, authorizedKeys });
  servers.push(started);
  return started;
}

describe('git over ssh through the scope agent (ssh2 server)', () => {
  it('ls-remote and fetch work with an ed25519 deploy key; three calls share one connection; close ends it', async () => {
    const scope = await makeScope('ed', null, (vaultDir) => sshInit({ vaultDir }));
    const srv = await server([scope.publicKey]);
    scope.options = { ...scope.options, upstream: parseUpstreamUrl(`ssh://git@127.0.0.1:${srv.port}/repo.git`), hostKeys: [srv.hostKey] };
    const lines: string[] = [];
    const logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const transport = createScopeTransport({ ...scope.options, logger: createLogger({ destination: logStream, level: 'info' }) });
    for (let i = 0; i < 3; i++) expect(await lsRemote(scope.options, transport)).toContain(`${mainSha}\trefs/heads/main`);
    expect(srv.connections).toBe(1);
    const gate = path.join(await tempDir('gate-bare-'), 'gate.git');
    await git(path.dirname(gate), 'init', '-q', '--bare', gate);
    const settings = await transport.transport();
    await runner.run(['fetch', '--quiet', '--end-of-options', scope.options.upstream.url, '+refs/heads/*:refs/gate/incoming/heads/*'], { gitDir: gate, allowProtocols: ['ssh'], env: settings.env, config: settings.config });
    expect(await git(gate, 'rev-parse', 'refs/gate/incoming/heads/main')).toBe(mainSha);
    expect(srv.connections).toBe(1);
    // Exactly one audit line per signature: scope, fingerprint, time; never the signed data.
    const audit = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry['event'] === 'ssh_agent_sign');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ scope: 'ed', fingerprint: fingerprintOf(Buffer.from(scope.publicKey.split(' ')[1]!, 'base64')), algorithm: 'ssh-ed25519' });
    expect(Object.keys(audit[0]!).sort()).toEqual(['algorithm', 'event', 'fingerprint', 'level', 'msg', 'name', 'scope', 'time'].sort());
    const controlPath = settings.env['GIT_GATE_SSH_CONTROL']!;
    const agentDir = path.dirname(settings.env['GIT_GATE_SSH_AUTH_SOCK']!);
    expect((await execa('ssh', ['-F', '/dev/null', '-o', `ControlPath=${controlPath}`, '-O', 'check', 'x'], { reject: false })).exitCode).toBe(0);
    await transport.close();
    await transport.close();
    expect((await execa('ssh', ['-F', '/dev/null', '-o', `ControlPath=${controlPath}`, '-O', 'check', 'x'], { reject: false })).exitCode).not.toBe(0);
    expect(await readFile(agentDir).then(() => 'exists', (e: NodeJS.ErrnoException) => e.code)).toBe('ENOENT');
    // A later call starts afresh: a new agent and a new connection.
    expect(await lsRemote(scope.options, transport)).toContain(mainSha);
    expect(srv.connections).toBe(2);
    await transport.close();
  });

  it('RSA keys sign with rsa-sha2-* (never ssh-rsa/SHA-1); imported ECDSA keys work', async () => {
    const work = await tempDir('gate-keys-');
    await execa('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-f', path.join(work, 'ec')]);
    const rsa = await makeScope('rsa', null, (vaultDir) => sshInit({ vaultDir, type: 'rsa' }));
    const ec = await makeScope('ec', null, async (vaultDir) => importKey({ vaultDir, privateKeyText: await readFile(path.join(work, 'ec'), 'utf8') }));
    const srv = await server([rsa.publicKey, ec.publicKey]);
    for (const scope of [rsa, ec]) {
      const options = { ...scope.options, upstream: parseUpstreamUrl(`ssh://git@127.0.0.1:${srv.port}/repo.git`), hostKeys: [srv.hostKey] };
      const transport = createScopeTransport(options);
      expect(await lsRemote(options, transport)).toContain(mainSha);
      await transport.close();
    }
    expect(srv.signatureAlgorithms).toHaveLength(2);
    expect(srv.signatureAlgorithms[0]).toMatch(/^rsa-sha2-(256|512)$/);
    expect(srv.signatureAlgorithms[1]).toBe('ecdsa-sha2-nistp256');
  });

  it('one scope cannot use another scope\'s key: its agent only holds its own', async () => {
    const a = await makeScope('a', null, (vaultDir) => sshInit({ vaultDir }));
    const b = await makeScope('b', null, (vaultDir) => sshInit({ vaultDir }));
    const srv = await server([b.publicKey]);
    const at = { upstream: parseUpstreamUrl(`ssh://git@127.0.0.1:${srv.port}/repo.git`), hostKeys: [srv.hostKey] };
    const transportA = createScopeTransport({ ...a.options, ...at });
    const transportB = createScopeTransport({ ...b.options, ...at });
    const settingsA = await transportA.transport();
    const settingsB = await transportB.transport();
    // Scope a's agent with scope b's public key as the identity: the agent cannot sign for it.
    const mixed = { ...settingsA.env, GIT_GATE_SSH_IDENTITY: settingsB.env['GIT_GATE_SSH_IDENTITY']! };
    const failure = await failureOf(runner.run(lsRemoteArgs(at.upstream.url), { allowProtocols: ['ssh'], env: mixed }));
    expect(failure.failureClass).toBe('auth_failed');
    expect(await lsRemote({ ...b.options, ...at }, transportB)).toContain(mainSha);
    await Promise.all([transportA.close(), transportB.close()]);
  });

  it('an unknown host key is host_key_unknown; a changed one is host_key_mismatch', async () => {
    const scope = await makeScope('hk', null, (vaultDir) => sshInit({ vaultDir }));
    const srv = await server([scope.publicKey]);
    const url = parseUpstreamUrl(`ssh://git@127.0.0.1:${srv.port}/repo.git`);
    const unknown = createScopeTransport({ ...scope.options, upstream: url, hostKeys: [] });
    const settings = await unknown.transport();
    const first = await failureOf(runner.run(lsRemoteArgs(url.url), { allowProtocols: ['ssh'], env: settings.env }));
    expect(first.failureClass).toBe('host_key_unknown');
    expect(first.code).toBe('GATE_HOST_KEY_UNKNOWN');
    await unknown.close();
    const other = await startSshGitServer({ repos: {}, authorizedKeys: [] });
    await other.close();
    const changed = createScopeTransport({ ...scope.options, upstream: url, hostKeys: [other.hostKey] });
    const changedSettings = await changed.transport();
    const second = await failureOf(runner.run(lsRemoteArgs(url.url), { allowProtocols: ['ssh'], env: changedSettings.env }));
    expect(second.failureClass).toBe('host_key_mismatch');
    expect(second.code).toBe('GATE_HOST_KEY_MISMATCH');
    await changed.close();
  });

  it('trust-host enrols the host key; a fingerprint pin that matches nothing is GATE_HOST_KEY_MISMATCH before any login', async () => {
    const scope = await makeScope('enrol', null, (vaultDir) => sshInit({ vaultDir }));
    const srv = await server([scope.publicKey]);
    const url = parseUpstreamUrl(`ssh://git@127.0.0.1:${srv.port}/repo.git`);
    const enrolled = await trustHost({ knownHostsFile: scope.options.knownHostsFile, host: '127.0.0.1', port: srv.port });
    expect(enrolled.map((key) => `${key.type} ${key.blob}`)).toEqual([srv.hostKey]);
    expect(await readFile(scope.options.knownHostsFile, 'utf8')).toBe(`[127.0.0.1]:${srv.port} ${srv.hostKey}\n`);
    const transport = createScopeTransport({ ...scope.options, upstream: url, hostKeys: [] });
    expect(await lsRemote({ ...scope.options, upstream: url }, transport)).toContain(mainSha);
    await transport.close();
    const before = srv.signatureAlgorithms.length;
    const pinned = createScopeTransport({ ...scope.options, upstream: url, hostKeys: ['SHA256:' + 'B'.repeat(43)] });
    const refused = await pinned.transport().then(() => undefined, (e: unknown) => e);
    expect(isGateError(refused, 'GATE_HOST_KEY_MISMATCH')).toBe(true);
    expect(srv.signatureAlgorithms.length).toBe(before);
  });
});
