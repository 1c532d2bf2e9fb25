import { Option } from 'commander';
import { ensureStateDirs } from '../../config/index.js';
import { exportPublicKey, hasScopeKey, sshInit } from '../../ssh/index.js';
import type { CommandDefinition } from '../app.js';
import { registerAdvice } from '../credentials/deploy-key-text.js';
import { credentialProject, storedKeyEncrypted, vaultPassphrase } from '../credentials/project-credentials.js';
import { EXIT } from '../exit-codes.js';

interface SshInitOptions {
  type: 'ed25519' | 'rsa';
  force?: boolean;
  json?: boolean;
}

/**
 * `gate ssh-init <project>`: the project's deploy key, created in memory and stored in its vault
 * (encrypted when a vault passphrase is configured). Idempotent; --force rotates.
 */
export const defineSshInit: CommandDefinition = (program, app) => {
  program
    .command('ssh-init')
    .summary('create the deploy key of a project with an SSH upstream')
    .description('Create the project\'s SSH deploy key in its vault and print the public key to register upstream as a read-only deploy key. A re-run shows the existing key; --force replaces it. With a vault passphrase (GATE_VAULT_PASSPHRASE, vault.passphrase_command or vault.passphrase_file) the key is stored encrypted.')
    .argument('<project>', 'project name')
    .addOption(new Option('--type <type>', 'key type: ed25519, or rsa (3072 bits)').choices(['ed25519', 'rsa']).default('ed25519'))
    .option('--force', 'rotate: replace an existing key (remove the old one upstream afterwards)')
    .option('--json', 'print JSON')
    .action(app.action<SshInitOptions>(async (ctx, [name], options) => {
      const { project, vaultDir } = await credentialProject(ctx, name!, 'ssh');
      ensureStateDirs(ctx.paths);
      const previous = (await hasScopeKey(vaultDir)) ? await exportPublicKey({ vaultDir }) : undefined;
      const creating = previous === undefined || options.force === true;
      // The passphrase is resolved only when a key is written: a passphrase command may prompt.
      const passphrase = creating ? await vaultPassphrase(ctx) : undefined;
      const key = await sshInit({ vaultDir, type: options.type, force: options.force === true, ...(passphrase !== undefined ? { passphrase } : {}) });
      const encrypted = key.created ? passphrase !== undefined : await storedKeyEncrypted(vaultDir);
      const rotatedFrom = key.created && previous !== undefined ? previous.fingerprint : null;
      if (ctx.out.json) {
        ctx.out.emit('ssh-init', { project: project.name, created: key.created, type: key.type, publicKey: key.publicKey, fingerprint: key.fingerprint, encrypted, replacedFingerprint: rotatedFrom });
        return EXIT.ok;
      }
      const { out } = ctx;
      if (!key.created) out.print(`${project.name} already has a deploy key (${key.type}${encrypted ? ', stored encrypted' : ''}); it is unchanged (--force replaces it)`);
      else out.print(`${rotatedFrom ? 'rotated' : 'created'} the deploy key of ${project.name} (${key.type})${encrypted ? ' (stored encrypted)' : ' (stored unencrypted: no vault passphrase is configured)'}`);
      out.print(key.publicKey);
      out.print(`fingerprint: ${key.fingerprint}`);
      if (rotatedFrom) out.print(`The old key ${rotatedFrom} no longer works here: remove it from the upstream's deploy keys.`);
      for (const line of registerAdvice(project.name)) out.print(line);
      return EXIT.ok;
    }));
};

