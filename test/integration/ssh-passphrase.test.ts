// Where the vault passphrase comes from: environment, a command run without a shell, or a file
// under the vault's lstat rules; failures never echo what the command printed.
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGateError } from '../../src/errors/index.js';
import { redactSecrets } from '../../src/log/index.js';
import { resolvePassphrase } from '../../src/ssh/index.js';
import { tempDir } from '../helpers/git-fixture.js';

describe('vault passphrase sources', () => {
  it('reads GATE_VAULT_PASSPHRASE first, then the command, then the file; registers it for redaction', async () => {
    const dir = await tempDir('gate-pass-');
    const file = path.join(dir, 'pass');
    await writeFile(file, 'from-file-passphrase\nsecond line\n', { mode: 0o600 });
    expect(await resolvePassphrase({ env: { GATE_VAULT_PASSPHRASE: 'from-env-passphrase' }, command: ['echo', 'x'], file })).toBe('from-env-passphrase');
    expect(await resolvePassphrase({ env: {}, command: ['printf', 'from-command-pass\\nignored'], file })).toBe('from-command-pass');
    expect(await resolvePassphrase({ env: {}, file })).toBe('from-file-passphrase');
    expect(redactSecrets('x from-file-passphrase y')).toBe('x *** y');
    expect(await resolvePassphrase({ env: {} })).toBeUndefined();
  });

  it('runs a command string without a shell: no expansion, no command substitution', async () => {
    expect(await resolvePassphrase({ env: {}, command: 'echo $HOME;$(id)' })).toBe('$HOME;$(id)');
  });

  it('a failing command or an unsafe file is reported without the content', async () => {
    const failing = await resolvePassphrase({ env: {}, command: ['sh', '-c', 'echo leaked-secret-words; exit 3'] }).then(() => undefined, (e: unknown) => e);
    expect(isGateError(failing, 'GATE_VAULT_LOCKED')).toBe(true);
    expect((failing as Error).message).toContain('exit 3');
    expect((failing as Error).message).not.toContain('leaked');
    const dir = await tempDir('gate-pass-');
    const file = path.join(dir, 'pass');
    await writeFile(file, 'loose-file-passphrase\n');
    await chmod(file, 0o644);
    const loose = await resolvePassphrase({ env: {}, file }).then(() => undefined, (e: unknown) => e);
    expect(isGateError(loose, 'GATE_VAULT_UNSAFE')).toBe(true);
  });
});
