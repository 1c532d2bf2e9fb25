// The per-scope key vault against the real ssh-keygen: files it writes are OpenSSH keys that
// ssh-keygen reads, fingerprints match `ssh-keygen -lf`, and the lstat rules refuse unsafe files.
import { execa } from 'execa';
import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGateError } from '../../src/errors/index.js';
import { exportPublicKey, importKey, listKeys, loadScopeKey, removeKey, sshInit } from '../../src/ssh/index.js';
import { tempDir } from '../helpers/git-fixture.js';

async function vaultRoot(): Promise<string> {
  const root = path.join(await tempDir('gate-vault-'), 'vault');
  return root;
}

async function keygenFingerprint(file: string): Promise<string> {
  const { stdout } = await execa('ssh-keygen', ['-lf', file]);
  return stdout.split(' ')[1]!;
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await promise.then(
    () => expect.fail(`expected ${code}`),
    (error: unknown) => expect(isGateError(error) ? error.code : error).toBe(code),
  );
}

const PASSPHRASE = 'correct horse battery staple';

describe('ssh vault', () => {
  it('ssh-init writes an OpenSSH key that ssh-keygen reads, with the same fingerprint', async () => {
    const root = await vaultRoot();
    const vaultDir = path.join(root, 'alpha');
    for (const type of ['ed25519', 'rsa'] as const) {
      const result = await sshInit({ vaultDir, type, force: true });
      expect(result.created).toBe(true);
      expect(result.publicKey).toMatch(/ git-gate:alpha$/);
      const { stdout } = await execa('ssh-keygen', ['-y', '-f', path.join(vaultDir, 'id')]);
      expect(stdout.split(' ').slice(0, 2)).toEqual(result.publicKey.split(' ').slice(0, 2));
      expect(await keygenFingerprint(path.join(vaultDir, 'id.pub'))).toBe(result.fingerprint);
      expect(await keygenFingerprint(path.join(vaultDir, 'id'))).toBe(result.fingerprint);
      if (type === 'rsa') expect((await execa('ssh-keygen', ['-lf', path.join(vaultDir, 'id')])).stdout).toMatch(/^3072 /);
    }
  });

  it('ssh-init is idempotent and --force rotates', async () => {
    const vaultDir = path.join(await vaultRoot(), 'beta');
    const first = await sshInit({ vaultDir });
    const again = await sshInit({ vaultDir });
    expect(again).toEqual({ ...first, created: false });
    const rotated = await sshInit({ vaultDir, force: true });
    expect(rotated.fingerprint).not.toBe(first.fingerprint);
    expect((await exportPublicKey({ vaultDir })).fingerprint).toBe(rotated.fingerprint);
  });

  it('an encrypted vault never writes the private key in plaintext and ssh-keygen opens it with the passphrase', async () => {
    const root = await vaultRoot();
    const vaultDir = path.join(root, 'gamma');
    const result = await sshInit({ vaultDir, passphrase: PASSPHRASE });
    const key = await loadScopeKey({ vaultDir, passphrase: PASSPHRASE });
    const jwk = key.privateKey.export({ format: 'jwk' }) as { d: string };
    const secretBytes = Buffer.from(jwk.d, 'base64url');
    for (const name of await readdir(vaultDir)) {
      const bytes = await readFile(path.join(vaultDir, name));
      expect(bytes.includes(secretBytes), name).toBe(false);
      expect(bytes.includes(Buffer.from(jwk.d)), name).toBe(false);
      expect(bytes.includes(Buffer.from(PASSPHRASE)), name).toBe(false);
    }
    const encrypted = await execa('ssh-keygen', ['-y', '-P', '', '-f', path.join(vaultDir, 'id')], { reject: false });
    expect(encrypted.exitCode).not.toBe(0);
    const opened = await execa('ssh-keygen', ['-y', '-P', PASSPHRASE, '-f', path.join(vaultDir, 'id')]);
    expect(opened.stdout.split(' ')[1]).toBe(result.publicKey.split(' ')[1]);
  });

  it('a locked vault is reported as locked, a wrong passphrase as wrong, a missing key as not found', async () => {
    const root = await vaultRoot();
    const vaultDir = path.join(root, 'delta');
    await expectCode(loadScopeKey({ vaultDir }), 'GATE_KEY_NOT_FOUND');
    await sshInit({ vaultDir, passphrase: PASSPHRASE });
    await expectCode(loadScopeKey({ vaultDir }), 'GATE_VAULT_LOCKED');
    await expectCode(loadScopeKey({ vaultDir, passphrase: 'not the passphrase' }), 'GATE_VAULT_PASSPHRASE_WRONG');
    expect((await loadScopeKey({ vaultDir, passphrase: PASSPHRASE })).type).toBe('ssh-ed25519');
  });

  it('imports ed25519, RSA and ECDSA keys from OpenSSH and PEM files with fingerprints equal to ssh-keygen', async () => {
    const work = await tempDir('gate-keys-');
    const root = await vaultRoot();
    const cases: Array<[string, string[]]> = [
      ['ed', ['-t', 'ed25519']],
      ['rsa', ['-t', 'rsa', '-b', '2048']],
      ['ec256', ['-t', 'ecdsa', '-b', '256']],
      ['ec384', ['-t', 'ecdsa', '-b', '384']],
      ['ec521', ['-t', 'ecdsa', '-b', '521', '-m', 'PEM']],
      ['rsapem', ['-t', 'rsa', '-b', '2048', '-m', 'PEM']],
      ['edpass', ['-t', 'ed25519', '-N', 'key-pass-123']],
    ];
    await Promise.all(cases.map(([name, args]) => execa('ssh-keygen', ['-q', ...args, ...(args.includes('-N') ? [] : ['-N', '']), '-f', path.join(work, name)])));
    for (const [name] of cases) {
      const vaultDir = path.join(root, name);
      const privateKeyText = await readFile(path.join(work, name), 'utf8');
      // bcrypt_pbkdf costs ~0.6 s in JS: encrypt two of them, store the rest in plain 0600 files.
      const encrypt = name === 'edpass' || name === 'ec384';
      const result = await importKey({ vaultDir, privateKeyText, ...(name === 'edpass' ? { keyPassphrase: 'key-pass-123' } : {}), ...(encrypt ? { vaultPassphrase: PASSPHRASE } : {}) });
      expect(result.fingerprint, name).toBe(await keygenFingerprint(path.join(work, `${name}.pub`)));
      const reread = await execa('ssh-keygen', ['-y', '-P', encrypt ? PASSPHRASE : '', '-f', path.join(vaultDir, 'id')]);
      expect(reread.stdout.split(' ')[1], name).toBe((await readFile(path.join(work, `${name}.pub`), 'utf8')).split(' ')[1]);
    }
    await expectCode(importKey({ vaultDir: path.join(root, 'ed'), privateKeyText: await readFile(path.join(work, 'rsa'), 'utf8') }), 'GATE_KEY_EXISTS');
    await expectCode(importKey({ vaultDir: path.join(root, 'x1'), privateKeyText: await readFile(path.join(work, 'edpass'), 'utf8') }), 'GATE_KEY_INVALID');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    await expectCode(importKey({ vaultDir: path.join(root, 'x2'), privateKeyText: small }), 'GATE_KEY_INVALID');
    await expectCode(importKey({ vaultDir: path.join(root, 'x3'), privateKeyText: 'not a key' }), 'GATE_KEY_INVALID');
    const listed = await listKeys(root);
    expect(listed.map((k) => k.scope)).toEqual(cases.map(([name]) => name).sort());
    expect(listed.find((k) => k.scope === 'ec384')?.type).toBe('ecdsa-sha2-nistp384');
    expect(await removeKey({ vaultDir: path.join(root, 'ed') })).toBe(true);
    expect(await removeKey({ vaultDir: path.join(root, 'ed') })).toBe(false);
    await expectCode(exportPublicKey({ vaultDir: path.join(root, 'ed') }), 'GATE_KEY_NOT_FOUND');
  });

  it('refuses a symlinked key file, a 0644 key file and a 0755 vault directory', async () => {
    const root = await vaultRoot();
    const vaultDir = path.join(root, 'eps');
    await sshInit({ vaultDir });
    await chmod(path.join(vaultDir, 'id'), 0o644);
    await expectCode(loadScopeKey({ vaultDir }), 'GATE_VAULT_UNSAFE');
    await chmod(path.join(vaultDir, 'id'), 0o600);
    await chmod(vaultDir, 0o755);
    await expectCode(loadScopeKey({ vaultDir }), 'GATE_VAULT_UNSAFE');
    await expectCode(sshInit({ vaultDir }), 'GATE_VAULT_UNSAFE');
    await chmod(vaultDir, 0o700);
    const other = path.join(await tempDir('gate-other-'), 'real-key');
    await writeFile(other, await readFile(path.join(vaultDir, 'id')), { mode: 0o600 });
    const linked = path.join(root, 'zeta');
    await mkdir(linked, { mode: 0o700 });
    await symlink(other, path.join(linked, 'id'));
    await expectCode(loadScopeKey({ vaultDir: linked }), 'GATE_VAULT_UNSAFE');
    const linkedDir = path.join(root, 'eta');
    await symlink(vaultDir, linkedDir);
    await expectCode(loadScopeKey({ vaultDir: linkedDir }), 'GATE_VAULT_UNSAFE');
  });

  it('writes exact modes whatever the umask', async () => {
    const old = process.umask(0o000);
    try {
      const vaultDir = path.join(await vaultRoot(), 'theta');
      await sshInit({ vaultDir });
      const { stdout } = await execa('stat', ['-c', '%a %n', vaultDir, path.join(vaultDir, 'id'), path.join(vaultDir, 'id.pub')]);
      expect(stdout.split('\n').map((l) => l.split(' ')[0])).toEqual(['700', '600', '600']);
    } finally {
      process.umask(old);
    }
  });
});
