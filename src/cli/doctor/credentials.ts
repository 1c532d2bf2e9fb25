import { existsSync } from 'node:fs';
import { knownHostsFileFor, type ProjectConfig, type StatePaths, vaultDirFor } from '../../config/index.js';
import { isGateError } from '../../errors/index.js';
import { exportPublicKey, hasScopeKey } from '../../ssh/index.js';
import { fail, type Finding, ok, warn } from './finding.js';

/** An SSH project in vault mode: a deploy key in its vault, and its upstream's host key pinned. */
export async function checkSshCredentials(paths: StatePaths, project: ProjectConfig): Promise<Finding[]> {
  const name = project.name;
  return [await deployKey(paths, name), hostKeys(paths, project)];
}

async function deployKey(paths: StatePaths, name: string): Promise<Finding> {
  const vaultDir = vaultDirFor(paths, name);
  try {
    if (!(await hasScopeKey(vaultDir))) {
      return warn('deploy-key', `${name} reaches its upstream over SSH and has no deploy key`, `Run \`gate ssh-init ${name}\` and register the printed key upstream as a read-only deploy key (or opt in to your own SSH set-up with ssh.use_personal: true).`);
    }
    return ok('deploy-key', `${name} has a deploy key (${(await exportPublicKey({ vaultDir })).fingerprint})`);
  } catch (error) {
    // An unsafe vault (symlink, loose mode, other owner) is what a sync would refuse too.
    if (!isGateError(error)) throw error;
    return fail('deploy-key', `${name}: ${error.code}: ${error.message}`, error.fix);
  }
}

function hostKeys(paths: StatePaths, project: ProjectConfig): Finding {
  if (project.ssh.hostKeys.length > 0 || existsSync(knownHostsFileFor(paths, project.name))) return ok('host-keys', `${project.name} has a pinned host key`);
  return warn('host-keys', `${project.name} reaches its upstream over SSH and has no host key pinned`, `Run \`gate trust-host ${project.name}\` to see the fingerprint and pin it (check it with the host's operator), or add it under ssh.host_keys in ${project.file}.`);
}
