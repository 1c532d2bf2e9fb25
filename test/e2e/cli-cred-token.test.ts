// `gate token …` for HTTPS upstreams, the errors for the wrong kind of upstream, and the two
// terminal interactions (trust-host's [y/N], the hidden token prompt) on a real pseudo-terminal.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHome, type CliRun, expectUserError } from '../helpers/cli-fixture.js';
import { git, headsOf, tempDir, Upstream } from '../helpers/git-fixture.js';
import { type HttpGitServer, makeCertificate, startHttpGitServer, type TestCertificate } from '../helpers/http-git-server.js';
import { type SshGitServer, startSshGitServer } from '../helpers/ssh-git-server.js';
import { BIN, body, filesUnder, fingerprintOfLine, gateWith } from './cli-cred-support.js';

// util-linux `script` gives the command a real pseudo-terminal, as an operator's shell would.
const SCRIPT = '/usr/bin/script';
const TOKEN = 'ghp_' + 'Zq7'.repeat(12);

let bare: string;
let certificate: TestCertificate;
const servers: Array<HttpGitServer | SshGitServer> = [];

beforeAll(async () => {
  const upstream = await Upstream.create();
  await upstream.commit('feature', 'feature work');
  bare = path.join(await tempDir('gate-served-'), 'repo.git');
  await git(path.dirname(bare), 'clone', '-q', '--bare', upstream.dir, bare);
  certificate = await makeCertificate();
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe.concurrent('gate token set-upstream, show-upstream, remove-upstream', () => {
  it('a token from stdin syncs an HTTPS upstream and appears in no output and in no file but the vault\'s', async () => {
    const cli = await cliHome();
    const server = await startHttpGitServer({ certificate, projectRoot: path.dirname(bare), credentials: { username: 'x-access-token', password: TOKEN } });
    servers.push(server);
    expect((await cli.gate('init', 'w', '--upstream', `https://127.0.0.1:${server.port}/repo.git`)).code).toBe(0);
    const env = { GIT_SSL_CAINFO: certificate.certFile };
    const runs: CliRun[] = [];
    const run = async (args: string[], input?: string) => {
      const result = await gateWith(cli, args, { env, ...(input !== undefined ? { input } : {}) });
      runs.push(result);
      return result;
    };

    expectUserError(await run(['sync', 'w']), 'GATE_UPSTREAM_AUTH_FAILED');
    expectUserError(await run(['token', 'set-upstream', 'w'], '\n'), 'GATE_KEY_INVALID');
    expect(existsSync(path.join(cli.root, 'vault', 'w', 'token'))).toBe(false);
    // There is no way to give it in argv: an extra argument is a usage error that does not echo it.
    const inArgv = await run(['token', 'set-upstream', 'w', TOKEN]);
    expect(inArgv.code).toBe(2);

    const set = await run(['token', 'set-upstream', 'w', '--json'], `${TOKEN}\n`);
    expect(set.code, set.stderr).toBe(0);
    const fingerprint = body(set)['fingerprint'];
    expect(body(set)).toEqual({ schemaVersion: 1, command: 'token set-upstream', project: 'w', fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{16}$/), username: 'x-access-token', encrypted: false });
    const shown = await run(['token', 'show-upstream', 'w', '--json']);
    expect(body(shown)).toEqual({ schemaVersion: 1, command: 'token show-upstream', project: 'w', fingerprint, username: 'x-access-token', encrypted: false });
    expect((await run(['token', 'show-upstream', 'w'])).stdout).toBe(`w: token ${fingerprint as string}, user x-access-token, unencrypted`);

    const sync = await run(['sync', 'w', '--verbose']);
    expect(sync.code, sync.stderr).toBe(0);
    expect(await headsOf(path.join(cli.root, 'gates', 'w.git'))).toEqual(await headsOf(bare));

    for (const { stdout, stderr } of runs) expect(`${stdout}\n${stderr}`).not.toContain(TOKEN);
    const holders = (await filesUnder(cli.root)).filter(({ text }) => text.includes(TOKEN)).map(({ file }) => path.relative(cli.root, file));
    expect(holders).toEqual(['vault/w/token']);

    const removed = await run(['token', 'remove-upstream', 'w', '--json']);
    expect(body(removed)).toEqual({ schemaVersion: 1, command: 'token remove-upstream', project: 'w', removed: true });
    expect(existsSync(path.join(cli.root, 'vault', 'w', 'token'))).toBe(false);
    expectUserError(await run(['token', 'show-upstream', 'w']), 'GATE_KEY_NOT_FOUND');
    expect(body(await run(['token', 'remove-upstream', 'w', '--json']))['removed']).toBe(false);
  });

  it('with a vault passphrase the token is stored encrypted: no file under the state root holds it', async () => {
    const cli = await cliHome();
    expect((await cli.gate('init', 'x', '--upstream', 'https://git.example.com/x.git')).code).toBe(0);
    const set = await gateWith(cli, ['token', 'set-upstream', 'x', '--username', 'oauth2'], { input: TOKEN, env: { GATE_VAULT_PASSPHRASE: 'vault pass phrase 9' } });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^stored the upstream token of x \(sha256:[0-9a-f]{16}, user oauth2, encrypted\); next: gate sync x$/);
    expect((await filesUnder(cli.root)).filter(({ text }) => text.includes(TOKEN) || text.includes('vault pass phrase 9'))).toEqual([]);
    expect((await cli.json('token', 'show-upstream', 'x')).body).toMatchObject({ username: 'oauth2', encrypted: true });
  });

  it('each credential command says which one applies to the project\'s kind of upstream', async () => {
    const cli = await cliHome();
    await cli.gate('init', 'web', '--upstream', 'https://git.example.com/web.git');
    await cli.gate('init', 'ssh', '--upstream', 'git@git.example.com:org/ssh.git');
    await cli.gate('init', 'solo');

    const https = await cli.gate('ssh-init', 'web');
    expectUserError(https, 'GATE_INVALID_ARGUMENT');
    expect(https.stderr).toContain('gate token set-upstream web');
    expectUserError(await cli.gate('trust-host', 'web', '--yes'), 'GATE_INVALID_ARGUMENT');
    const ssh = await gateWith(cli, ['token', 'set-upstream', 'ssh'], { input: TOKEN });
    expectUserError(ssh, 'GATE_INVALID_ARGUMENT');
    expect(ssh.stderr).toContain('gate ssh-init ssh');
    const remoteless = await cli.gate('ssh-init', 'solo');
    expectUserError(remoteless, 'GATE_NO_UPSTREAM');
    expect(remoteless.stderr).toContain('needs no credentials');
    expectUserError(await cli.gate('ssh-init', 'nope'), 'GATE_PROJECT_NOT_FOUND');
    expectUserError(await cli.gate('ssh-init', '../etc'), 'GATE_SCOPE_INVALID');
    expectUserError(await cli.gate('ssh', 'export', '../etc'), 'GATE_SCOPE_INVALID');
    expectUserError(await cli.gate('ssh-init', 'ssh', '--type', 'dsa'), 'GATE_USAGE', 2);
    expectUserError(await cli.gate('ssh', 'frobnicate'), 'GATE_USAGE', 2);
    const jsonError = await cli.json('ssh', 'export', 'ssh');
    expect(jsonError.body).toMatchObject({ schemaVersion: 1, command: 'ssh export', error: { code: 'GATE_KEY_NOT_FOUND' } });
    expect(await cli.gate('ssh-init', 'ssh')).toMatchObject({ code: 0 });
  });
});

async function onTerminal(cli: { root: string; home: string }, args: string[], answer: (output: string) => string | undefined): Promise<{ code: number | undefined; output: string }> {
  const command = ['node', BIN, ...args].map((arg) => `'${arg}'`).join(' ');
  const child = execa(SCRIPT, ['-qec', command, '/dev/null'], {
    reject: false, extendEnv: false, stdin: 'pipe',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cli.home, GATE_HOME: cli.root, TERM: 'xterm', NO_COLOR: '1' },
  });
  // Typed only once the prompt is on screen, as a person would: input that arrives before the
  // program turns echo off would be echoed by the terminal itself.
  let seen = '';
  let typed = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    seen += chunk.toString();
    const text = typed ? undefined : answer(seen);
    if (text !== undefined) {
      typed = true;
      child.stdin!.write(text);
    }
  });
  const result = await child;
  return { code: result.exitCode, output: String(result.stdout).replace(/\r/g, '') };
}

if (!existsSync(SCRIPT)) console.warn(`terminal tests skipped: ${SCRIPT} (util-linux script, for a pseudo-terminal) is missing; install bsdutils`);

describe.skipIf(!existsSync(SCRIPT)).concurrent('on a terminal', () => {
  it('trust-host shows the fingerprint and pins only after "y"', async () => {
    const cli = await cliHome();
    const server = await startSshGitServer({ repos: { '/repo.git': bare }, authorizedKeys: [] });
    servers.push(server);
    await cli.gate('init', 't', '--upstream', `ssh://git@127.0.0.1:${server.port}/repo.git`);
    const known = path.join(cli.root, 'known_hosts', 't');
    const no = await onTerminal(cli, ['trust-host', 't'], (out) => (out.includes('[y/N]') ? 'n\r' : undefined));
    expect(no.code, no.output).toBe(1);
    expect(no.output).toContain(fingerprintOfLine(server.hostKey));
    expect(no.output).toContain('GATE_CONFIRMATION_REQUIRED');
    expect(existsSync(known)).toBe(false);
    const yes = await onTerminal(cli, ['trust-host', 't'], (out) => (out.includes('[y/N]') ? 'y\r' : undefined));
    expect(yes.code, yes.output).toBe(0);
    expect(yes.output).toMatch(/Pin this key for \[127\.0\.0\.1\]:\d+\? .*\[y\/N\]/);
    expect(await readFile(known, 'utf8')).toBe(`[127.0.0.1]:${server.port} ${server.hostKey}\n`);
  });

  it('token set-upstream asks for the token without echoing it', async () => {
    const cli = await cliHome();
    await cli.gate('init', 'k', '--upstream', 'https://git.example.com/k.git');
    const run = await onTerminal(cli, ['token', 'set-upstream', 'k'], (out) => (out.includes('(input hidden): ') ? `${TOKEN}\r` : undefined));
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('Token for k (input hidden): ');
    expect(run.output).not.toContain(TOKEN);
    const fingerprint = `sha256:${createHash('sha256').update(TOKEN).digest('hex').slice(0, 16)}`;
    expect(run.output).toContain(`stored the upstream token of k (${fingerprint}, user x-access-token`);
    expect((await cli.json('token', 'show-upstream', 'k')).body['fingerprint']).toBe(fingerprint);
  });
});
