// HTTPS upstreams with a per-scope token: git gets it only through the constant credential
// helper, against a real smart-HTTP server that requires Basic auth.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGateError } from '../../src/errors/index.js';
import { GitCommandError, GitRunner, lsRemoteArgs, parseUpstreamUrl } from '../../src/git/index.js';
import { createScopeTransport, loadUpstreamToken, removeUpstreamToken, type ScopeTransportOptions, setUpstreamToken, showUpstreamToken } from '../../src/ssh/index.js';
import { git, tempDir, Upstream } from '../helpers/git-fixture.js';
import { type HttpGitServer, makeCertificate, startHttpGitServer, type TestCertificate } from '../helpers/http-git-server.js';

const TOKEN = 'ghp_' + 'x7'.repeat(18);
const runner = new GitRunner({ defaultTimeoutMs: 30_000 });
let certificate: TestCertificate;
let server: HttpGitServer;
let publicServer: HttpGitServer;
let sha: string;
let state: string;

beforeAll(async () => {
  certificate = await makeCertificate();
  const upstream = await Upstream.create();
  sha = await upstream.sha('main');
  const root = await tempDir('gate-http-root-');
  await git(root, 'clone', '-q', '--bare', upstream.dir, path.join(root, 'repo.git'));
  server = await startHttpGitServer({ certificate, projectRoot: root, credentials: { username: 'x-access-token', password: TOKEN } });
  publicServer = await startHttpGitServer({ certificate, projectRoot: root });
  state = await tempDir('gate-state-');
});
afterAll(async () => {
  await Promise.all([server?.close(), publicServer?.close()]);
});

function scopeOptions(name: string, port: number): ScopeTransportOptions {
  return {
    scope: name,
    upstream: parseUpstreamUrl(`https://127.0.0.1:${port}/repo.git`),
    vaultDir: path.join(state, 'vault', name),
    knownHostsFile: path.join(state, 'known_hosts', name),
  };
}

async function lsRemote(options: ScopeTransportOptions): Promise<string> {
  const settings = await createScopeTransport(options).transport();
  const { stdout } = await runner.run(lsRemoteArgs(options.upstream.url), {
    allowProtocols: ['https'],
    env: settings.env,
    config: [...settings.config, `http.sslCAInfo=${certificate.certFile}`],
  });
  return stdout;
}

describe('https upstream tokens', () => {
  it('ls-remote and fetch authenticate with the stored token through the helper', async () => {
    const options = scopeOptions('tok', server.port);
    const shown = await setUpstreamToken({ vaultDir: options.vaultDir, token: TOKEN });
    expect(await showUpstreamToken({ vaultDir: options.vaultDir })).toEqual({ fingerprint: shown.fingerprint, username: 'x-access-token', encrypted: false });
    expect(await lsRemote(options)).toContain(`${sha}\trefs/heads/main`);
    const gate = path.join(await tempDir('gate-bare-'), 'gate.git');
    await git(path.dirname(gate), 'init', '-q', '--bare', gate);
    const settings = await createScopeTransport(options).transport();
    await runner.run(['fetch', '--quiet', '--end-of-options', options.upstream.url, '+refs/heads/*:refs/gate/incoming/heads/*'], {
      gitDir: gate, allowProtocols: ['https'], env: settings.env, config: [...settings.config, `http.sslCAInfo=${certificate.certFile}`],
    });
    expect(await git(gate, 'rev-parse', 'refs/gate/incoming/heads/main')).toBe(sha);
  });

  it('an encrypted token needs the passphrase: locked without it, wrong with another', async () => {
    const options = scopeOptions('enc', server.port);
    await setUpstreamToken({ vaultDir: options.vaultDir, token: TOKEN, passphrase: 'vault pass 1' });
    expect((await showUpstreamToken({ vaultDir: options.vaultDir }))?.encrypted).toBe(true);
    const locked = await createScopeTransport({ ...options, passphrase: { env: {} } }).transport().then(() => undefined, (e: unknown) => e);
    expect(isGateError(locked, 'GATE_VAULT_LOCKED')).toBe(true);
    const wrong = await loadUpstreamToken({ vaultDir: options.vaultDir, passphrase: 'vault pass 2' }).then(() => undefined, (e: unknown) => e);
    expect(isGateError(wrong, 'GATE_VAULT_PASSPHRASE_WRONG')).toBe(true);
    expect(await lsRemote({ ...options, passphrase: { env: { GATE_VAULT_PASSPHRASE: 'vault pass 1' } } })).toContain(sha);
  });

  it('without a token no credentials are sent: a public repository works, a private one fails as auth_failed', async () => {
    expect(await lsRemote(scopeOptions('pub', publicServer.port))).toContain(sha);
    expect(publicServer.requests.every((request) => request.authorization === undefined)).toBe(true);
    const failure = await lsRemote(scopeOptions('none', server.port)).then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(GitCommandError);
    expect((failure as GitCommandError).failureClass).toBe('auth_failed');
  });

  it('a refused token is auth_failed, and the token is in no error message', async () => {
    const options = scopeOptions('bad', server.port);
    const badToken = 'ghp_' + 'q9'.repeat(18);
    await setUpstreamToken({ vaultDir: options.vaultDir, token: badToken });
    const failure = await lsRemote(options).then(() => undefined, (e: unknown) => e);
    expect((failure as GitCommandError).failureClass).toBe('auth_failed');
    const text = JSON.stringify({ message: (failure as Error).message, stderr: (failure as GitCommandError).stderr, json: (failure as GitCommandError).toJSON() });
    expect(text).not.toContain(badToken);
    expect(await removeUpstreamToken({ vaultDir: options.vaultDir })).toBe(true);
    expect(await showUpstreamToken({ vaultDir: options.vaultDir })).toBeUndefined();
  });

  it('refuses tokens that could inject credential-protocol lines', async () => {
    const vaultDir = scopeOptions('inj', server.port).vaultDir;
    for (const token of ['abcdefgh\nhost=evil', 'short', 'with space 12345']) {
      const refused = await setUpstreamToken({ vaultDir, token }).then(() => undefined, (e: unknown) => e);
      expect(isGateError(refused, 'GATE_KEY_INVALID')).toBe(true);
    }
  });
});
