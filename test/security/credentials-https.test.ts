// Where an HTTPS token must never go: any process's argv during a fetch, files under the gate or
// git's home, a redirect target on another port, an inherited credential store.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCommandError, GitRunner, parseUpstreamUrl } from '../../src/git/index.js';
import { privateHome } from '../../src/git/private-home.js';
import { createScopeTransport, CREDENTIAL_CONFIG, CREDENTIAL_HELPER, setUpstreamToken, type TransportSettings } from '../../src/ssh/index.js';
import { git, tempDir, Upstream } from '../helpers/git-fixture.js';
import { type HttpGitServer, makeCertificate, startHttpGitServer, type TestCertificate } from '../helpers/http-git-server.js';

const TOKEN = 'glpat-' + 'Zk3'.repeat(10);
const runner = new GitRunner({ defaultTimeoutMs: 30_000 });
let certificate: TestCertificate;
let origin: HttpGitServer;
let slowOrigin: HttpGitServer;
let target: HttpGitServer;
let redirecting: HttpGitServer;
let state: string;

beforeAll(async () => {
  certificate = await makeCertificate();
  const upstream = await Upstream.create();
  const root = await tempDir('gate-http-root-');
  await git(root, 'clone', '-q', '--bare', upstream.dir, path.join(root, 'repo.git'));
  const credentials = { username: 'oauth2', password: TOKEN };
  origin = await startHttpGitServer({ certificate, projectRoot: root, credentials });
  slowOrigin = await startHttpGitServer({ certificate, projectRoot: root, credentials, delayMs: 120 });
  // The redirect target would accept the token too: only the client can keep it from being sent.
  target = await startHttpGitServer({ certificate, projectRoot: root, credentials });
  redirecting = await startHttpGitServer({ certificate, credentials, redirectToPort: target.port });
  state = await tempDir('gate-state-');
});
afterAll(async () => {
  await Promise.all([origin, slowOrigin, target, redirecting].map((server) => server?.close()));
});

async function settingsFor(name: string, port: number): Promise<{ url: string; settings: TransportSettings }> {
  const upstream = parseUpstreamUrl(`https://127.0.0.1:${port}/repo.git`);
  const vaultDir = path.join(state, 'vault', name);
  await setUpstreamToken({ vaultDir, token: TOKEN, username: 'oauth2' });
  const settings = await createScopeTransport({ scope: name, upstream, vaultDir, knownHostsFile: path.join(state, 'known_hosts', name) }).transport();
  return { url: upstream.url, settings };
}

async function fetchInto(gate: string, url: string, settings: TransportSettings, extraConfig: string[] = []): Promise<unknown> {
  return runner.run(['fetch', '--quiet', '--end-of-options', url, '+refs/heads/*:refs/gate/incoming/heads/*'], {
    gitDir: gate, allowProtocols: ['https'], env: settings.env, config: [...extraConfig, ...settings.config, `http.sslCAInfo=${certificate.certFile}`],
  }).then(() => undefined, (e: unknown) => e);
}

async function bareGate(): Promise<string> {
  const gate = path.join(await tempDir('gate-bare-'), 'gate.git');
  await git(path.dirname(gate), 'init', '-q', '--bare', gate);
  return gate;
}

async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if ((await readFile(file)).includes(needle)) hits.push(file);
  }
  return hits;
}

describe('https token exposure', () => {
  it('never appears in any /proc/*/cmdline during a fetch, nor in a file under the gate or git\'s home', async () => {
    const { url, settings } = await settingsFor('proc', slowOrigin.port);
    const gate = await bareGate();
    let running = true;
    let snapshots = 0;
    let sawGitProcesses = 0;
    const leaks: string[] = [];
    const poll = (async () => {
      while (running) {
        for (const pid of await readdir('/proc').catch(() => [])) {
          if (!/^\d+$/.test(pid)) continue;
          const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
          if (cmdline.includes('git-remote-https') || cmdline.includes('credential')) sawGitProcesses++;
          if (cmdline.includes(TOKEN)) leaks.push(cmdline.replace(/\0/g, ' '));
        }
        snapshots++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const failure = await fetchInto(gate, url, settings);
    running = false;
    await poll;
    expect(failure).toBeUndefined();
    expect(snapshots).toBeGreaterThan(5);
    expect(sawGitProcesses).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
    expect(await git(gate, 'rev-parse', 'refs/gate/incoming/heads/main')).toMatch(/^[0-9a-f]{40}$/);
    expect(await filesContaining(gate, TOKEN)).toEqual([]);
    expect(await filesContaining(privateHome(), TOKEN)).toEqual([]);
    expect(await filesContaining(path.join(state, 'vault'), TOKEN)).toEqual([path.join(state, 'vault', 'proc', 'token')]);
  });

  it('a redirect to another port receives no Authorization header, even with redirects followed', async () => {
    const { url, settings } = await settingsFor('redir', redirecting.port);
    const hardened = await fetchInto(await bareGate(), url, settings);
    expect(hardened).toBeInstanceOf(GitCommandError);
    expect(redirecting.requests.some((request) => request.authorization !== undefined)).toBe(true);
    expect(target.requests).toEqual([]);
    // Even if a config turned redirects back on, the helper answers only for the upstream's host:port.
    const followed = await runner.run(['ls-remote', '--end-of-options', url], {
      allowProtocols: ['https'], env: settings.env, config: [...settings.config, 'http.followRedirects=true', `http.sslCAInfo=${certificate.certFile}`],
    }).then(() => undefined, (e: unknown) => e);
    expect(followed).toBeInstanceOf(GitCommandError);
    expect(target.requests.length).toBeGreaterThan(0);
    expect(target.requests.filter((request) => request.authorization !== undefined)).toEqual([]);
  });

  it('an inherited credential.helper=store writes nothing, because the helper list is reset', async () => {
    const { url, settings } = await settingsFor('store', origin.port);
    const storeFile = path.join(await tempDir('gate-store-'), 'git-credentials');
    const inherited = `credential.helper=store --file=${storeFile}`;
    expect(await fetchInto(await bareGate(), url, settings, [inherited])).toBeUndefined();
    expect(existsSync(storeFile)).toBe(false);
    expect(CREDENTIAL_CONFIG[0]).toBe('credential.helper=');
    // Without the reset, the same inherited helper would have stored the token in plaintext.
    const unreset = { env: settings.env, config: [`credential.helper=${CREDENTIAL_HELPER}`] };
    expect(await fetchInto(await bareGate(), url, unreset, [inherited])).toBeUndefined();
    expect(await readFile(storeFile, 'utf8')).toContain(TOKEN);
    await execa('rm', ['-f', storeFile]);
  });
});
