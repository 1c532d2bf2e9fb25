// The credential commands as an operator runs them, against the in-process SSH git server: the
// built `gate` (a subprocess) connects to it on 127.0.0.1 with real git and real ssh.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHome, expectUserError } from '../helpers/cli-fixture.js';
import { git, headsOf, tempDir, Upstream } from '../helpers/git-fixture.js';
import { type SshGitServer, startSshGitServer } from '../helpers/ssh-git-server.js';
import { body, fingerprintOfLine, gateWith } from './cli-cred-support.js';

let bare: string;
const servers: SshGitServer[] = [];

beforeAll(async () => {
  const upstream = await Upstream.create();
  await upstream.commit('feature', 'feature work');
  bare = path.join(await tempDir('gate-served-'), 'repo.git');
  await git(path.dirname(bare), 'clone', '-q', '--bare', upstream.dir, bare);
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function serve(authorizedKeys: string[]): Promise<SshGitServer> {
  const server = await startSshGitServer({ repos: { '/repo.git': bare }, authorizedKeys });
  servers.push(server);
  return server;
}

const urlOf = (port: number) => `ssh://git@127.0.0.1:${port}/repo.git`;
// Nothing listens on port 9 (discard) here; the first steps fail before connecting anyway.
const PLACEHOLDER = urlOf(9);

describe.concurrent('gate ssh-init, trust-host, ssh … against an SSH upstream', () => {
  it('no key → ssh-init → unknown host → trust-host (needs --yes) → sync; then idempotence, rotation, export, list, remove', async () => {
    const cli = await cliHome();
    const known = path.join(cli.root, 'known_hosts', 'p');
    expect((await cli.gate('init', 'p', '--upstream', PLACEHOLDER)).code).toBe(0);

    const noKey = await cli.gate('sync', 'p');
    expectUserError(noKey, 'GATE_AUTH_NOT_CONFIGURED');
    expect(noKey.stderr).toMatch(/^fix: .*gate ssh-init p.*--use-personal-ssh/m);

    const doctorBefore = (await cli.json('doctor')).body['findings'];
    expect(doctorBefore).toContainEqual({ check: 'deploy-key', level: 'warn', message: 'p reaches its upstream over SSH and has no deploy key', fix: expect.stringContaining('`gate ssh-init p`') });
    expect(doctorBefore).toContainEqual(expect.objectContaining({ check: 'host-keys', level: 'warn', fix: expect.stringContaining('`gate trust-host p`') }));

    const init = await cli.gate('ssh-init', 'p');
    expect(init.code, init.stderr).toBe(0);
    const keyLine = init.stdout.split('\n').find((line) => line.startsWith('ssh-ed25519 '));
    expect(keyLine).toMatch(/^ssh-ed25519 [A-Za-z0-9+/]+=* git-gate:p$/);
    const fingerprint = fingerprintOfLine(keyLine!);
    expect(init.stdout).toContain(`fingerprint: ${fingerprint}`);
    expect(init.stdout).toContain('read-only deploy key');
    expect(init.stdout).toContain('"Allow write access" off');
    expect(init.stderr).toBe('');

    const server = await serve([keyLine!]);
    expect((await cli.gate('init', 'p', '--force', '--upstream', urlOf(server.port))).code).toBe(0);
    const unknown = await cli.gate('sync', 'p');
    expectUserError(unknown, 'GATE_HOST_KEY_UNKNOWN');
    expect(unknown.stderr).toContain('gate trust-host');

    const hostFingerprint = fingerprintOfLine(server.hostKey);
    const refused = await cli.gate('trust-host', 'p');
    expectUserError(refused, 'GATE_CONFIRMATION_REQUIRED');
    expect(refused.stdout).toContain(`[127.0.0.1]:${server.port} presents:`);
    expect(refused.stdout).toMatch(new RegExp(`^  ssh-ed25519 +${escape(hostFingerprint)} +new$`, 'm'));
    expect(refused.stderr).toContain(`gate trust-host p --yes`);
    expect(existsSync(known)).toBe(false);

    const trusted = await cli.json('trust-host', 'p', '--yes');
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(trusted.body).toEqual({
      schemaVersion: 1, command: 'trust-host', project: 'p', host: `[127.0.0.1]:${server.port}`, knownHostsFile: known, written: true,
      keys: [{ type: 'ssh-ed25519', fingerprint: hostFingerprint, status: 'new', replacedFingerprint: null }],
    });
    expect(await readFile(known, 'utf8')).toBe(`[127.0.0.1]:${server.port} ${server.hostKey}\n`);
    const again = await cli.gate('trust-host', 'p');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('every key is already pinned; nothing to do');

    const sync = await cli.gate('sync', 'p');
    expect(sync.code, sync.stderr).toBe(0);
    expect(await headsOf(path.join(cli.root, 'gates', 'p.git'))).toEqual(await headsOf(bare));

    const doctorAfter = (await cli.json('doctor')).body['findings'];
    expect(doctorAfter).toContainEqual({ check: 'deploy-key', level: 'ok', message: `p has a deploy key (${fingerprint})`, fix: null });
    expect(doctorAfter).toContainEqual({ check: 'host-keys', level: 'ok', message: 'p has a pinned host key', fix: null });

    const rerun = await cli.json('ssh-init', 'p');
    expect(rerun.body).toMatchObject({ command: 'ssh-init', project: 'p', created: false, fingerprint, publicKey: keyLine, encrypted: false, replacedFingerprint: null });

    const exported = await cli.gate('ssh', 'export', 'p');
    // (execa drops the final newline.)
    expect(exported).toMatchObject({ code: 0, stdout: keyLine, stderr: '' });
    const listed = await cli.json('ssh', 'list');
    expect(listed.body).toEqual({ schemaVersion: 1, command: 'ssh list', keys: [{ project: 'p', type: 'ssh-ed25519', fingerprint, encrypted: false, publicKey: keyLine }] });
    expect((await cli.gate('ssh', 'list')).stdout).toMatch(new RegExp(`^p +ssh-ed25519 +${escape(fingerprint)} +no$`, 'm'));

    const rotated = await cli.gate('ssh-init', 'p', '--force', '--type', 'rsa');
    expect(rotated.code, rotated.stderr).toBe(0);
    const rsaLine = rotated.stdout.split('\n').find((line) => line.startsWith('ssh-rsa '));
    expect(rsaLine).toBeDefined();
    expect(fingerprintOfLine(rsaLine!)).not.toBe(fingerprint);
    expect(rotated.stdout).toContain(`The old key ${fingerprint} no longer works here: remove it from the upstream's deploy keys.`);
    // The server authorises only the old key: the rotated one really is different.
    expectUserError(await cli.gate('sync', 'p'), 'GATE_UPSTREAM_AUTH_FAILED');

    const unconfirmed = await cli.gate('ssh', 'remove', 'p');
    expectUserError(unconfirmed, 'GATE_CONFIRMATION_REQUIRED');
    expect((await cli.gate('ssh', 'export', 'p')).stdout).toBe(rsaLine);
    const removed = await cli.json('ssh', 'remove', 'p', '--yes');
    expect(removed.body).toEqual({ schemaVersion: 1, command: 'ssh remove', project: 'p', removed: true, fingerprint: fingerprintOfLine(rsaLine!) });
    expectUserError(await cli.gate('ssh', 'export', 'p'), 'GATE_KEY_NOT_FOUND');
    expect((await cli.json('ssh', 'list')).body['keys']).toEqual([]);
    expect((await cli.json('ssh', 'remove', 'p')).body).toMatchObject({ removed: false, fingerprint: null });
  });

  it('a host key that changed is refused without --replace and nothing is written; --replace pins the new one', async () => {
    const cli = await cliHome();
    expect((await cli.gate('init', 'h', '--upstream', PLACEHOLDER)).code).toBe(0);
    const { body: key } = await cli.json('ssh-init', 'h');
    const server = await serve([key['publicKey'] as string]);
    expect((await cli.gate('init', 'h', '--force', '--upstream', urlOf(server.port))).code).toBe(0);
    // What the host presented last time: another ed25519 key for the same host and port.
    const old = ssh2.utils.generateKeyPairSync('ed25519').public.split(' ').slice(0, 2).join(' ');
    const known = path.join(cli.root, 'known_hosts', 'h');
    const pinnedText = `[127.0.0.1]:${server.port} ${old}\n`;
    await mkdir(path.dirname(known), { mode: 0o700 });
    await writeFile(known, pinnedText, { mode: 0o600 });

    expectUserError(await cli.gate('sync', 'h'), 'GATE_HOST_KEY_MISMATCH');
    const refused = await cli.gate('trust-host', 'h', '--yes');
    expectUserError(refused, 'GATE_HOST_KEY_MISMATCH');
    expect(refused.stderr).toContain(`but ${fingerprintOfLine(old)} is pinned`);
    expect(refused.stdout).toContain(`CHANGED (pinned: ${fingerprintOfLine(old)})`);
    expect(refused.stderr).toContain('--replace');
    expect(await readFile(known, 'utf8')).toBe(pinnedText);

    const replaced = await cli.json('trust-host', 'h', '--replace', '--yes');
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.body['keys']).toEqual([{ type: 'ssh-ed25519', fingerprint: fingerprintOfLine(server.hostKey), status: 'changed', replacedFingerprint: fingerprintOfLine(old) }]);
    expect(await readFile(known, 'utf8')).toBe(`[127.0.0.1]:${server.port} ${server.hostKey}\n`);
    expect((await cli.gate('sync', 'h')).code).toBe(0);
  });

  it('with a vault passphrase the key is stored encrypted; a sync without the passphrase is GATE_VAULT_LOCKED', async () => {
    const cli = await cliHome();
    const passphrase = 'correct horse battery staple 7';
    expect((await cli.gate('init', 'e', '--upstream', PLACEHOLDER)).code).toBe(0);
    const init = await gateWith(cli, ['ssh-init', 'e', '--json'], { env: { GATE_VAULT_PASSPHRASE: passphrase } });
    expect(init.code, init.stderr).toBe(0);
    const created = body(init);
    expect(created).toMatchObject({ created: true, encrypted: true, type: 'ssh-ed25519' });

    const file = path.join(cli.root, 'vault', 'e', 'id');
    const text = await readFile(file, 'utf8');
    const decoded = Buffer.from(text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64').toString('latin1');
    expect(decoded).toContain('aes256-ctr');
    expect(decoded).toContain('bcrypt');
    expect(decoded).not.toContain('\0\0\0\x04none');
    // OpenSSH agrees: no public key out of it without the passphrase, the right one with it.
    expect((await execa('ssh-keygen', ['-y', '-P', '', '-f', file], { reject: false })).exitCode).not.toBe(0);
    expect((await execa('ssh-keygen', ['-y', '-P', passphrase, '-f', file])).stdout).toBe(created['publicKey']);
    const output = `${init.stdout}${init.stderr}`;
    expect(output).not.toContain(passphrase);

    expect((await cli.json('ssh', 'list')).body['keys']).toEqual([expect.objectContaining({ project: 'e', encrypted: true })]);
    const rerun = await cli.json('ssh-init', 'e');
    expect(rerun.body).toMatchObject({ created: false, encrypted: true, fingerprint: created['fingerprint'] });

    const server = await serve([created['publicKey'] as string]);
    expect((await cli.gate('init', 'e', '--force', '--upstream', urlOf(server.port))).code).toBe(0);
    expect((await cli.gate('trust-host', 'e', '--yes')).code).toBe(0);
    const locked = await cli.gate('sync', 'e');
    expectUserError(locked, 'GATE_VAULT_LOCKED');
    expect(locked.stderr).toContain('GATE_VAULT_PASSPHRASE');
    const wrong = await gateWith(cli, ['sync', 'e'], { env: { GATE_VAULT_PASSPHRASE: 'not the passphrase' } });
    expectUserError(wrong, 'GATE_VAULT_PASSPHRASE_WRONG');
    const unlocked = await gateWith(cli, ['sync', 'e'], { env: { GATE_VAULT_PASSPHRASE: passphrase } });
    expect(unlocked.code, unlocked.stderr).toBe(0);
    expect(`${unlocked.stdout}${unlocked.stderr}`).not.toContain(passphrase);
  });

  it('ssh import: an ecdsa key file and stdin, fingerprints as ssh-keygen -lf prints them; an encrypted key needs its passphrase', async () => {
    const cli = await cliHome();
    const dir = await tempDir('gate-keys-');
    expect((await cli.gate('init', 'i', '--upstream', PLACEHOLDER)).code).toBe(0);
    const plain = path.join(dir, 'plain');
    await execa('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-C', 'op@host', '-f', plain]);
    const expected = (await execa('ssh-keygen', ['-lf', plain])).stdout.split(' ')[1];

    const imported = await cli.json('ssh', 'import', 'i', plain);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.body).toMatchObject({ command: 'ssh import', project: 'i', type: 'ecdsa-sha2-nistp256', fingerprint: expected, encrypted: false, replacedFingerprint: null });
    expect((await cli.gate('ssh', 'export', 'i')).stdout).toMatch(/^ecdsa-sha2-nistp256 \S+ git-gate:i$/);
    expectUserError(await cli.gate('ssh', 'import', 'i', plain), 'GATE_KEY_EXISTS');

    const secret = path.join(dir, 'secret');
    const keyPassphrase = 'import pass phrase 42';
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', keyPassphrase, '-f', secret]);
    const secretFingerprint = (await execa('ssh-keygen', ['-lf', secret])).stdout.split(' ')[1];
    const noPass = await gateWith(cli, ['ssh', 'import', 'i', '-', '--force'], { input: await readFile(secret, 'utf8') });
    expectUserError(noPass, 'GATE_KEY_INVALID');
    expect(noPass.stderr).toContain('GATE_IMPORT_KEY_PASSPHRASE');
    expect((await cli.json('ssh', 'export', 'i')).body['fingerprint']).toBe(expected);

    const fromStdin = await gateWith(cli, ['ssh', 'import', 'i', '-', '--force', '--json'], { input: await readFile(secret, 'utf8'), env: { GATE_IMPORT_KEY_PASSPHRASE: keyPassphrase } });
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(body(fromStdin)).toMatchObject({ type: 'ssh-ed25519', fingerprint: secretFingerprint, replacedFingerprint: expected });
    expect(`${fromStdin.stdout}${fromStdin.stderr}`).not.toContain(keyPassphrase);

    expectUserError(await cli.gate('ssh', 'import', 'i', path.join(dir, 'missing')), 'GATE_INVALID_ARGUMENT');
    const garbage = await gateWith(cli, ['ssh', 'import', 'i', '-', '--force'], { input: 'not a key\n' });
    expectUserError(garbage, 'GATE_KEY_INVALID');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
