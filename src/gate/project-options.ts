import type { GlobalConfig, ProjectConfig, SettingFlags, StatePaths } from '../config/index.js';
import { effectiveSettings, knownHostsFileFor, vaultDirFor } from '../config/index.js';
import type { Logger } from '../log/index.js';
import type { GitGateOptions } from './options.js';

// Lives with the gate, not the config: the config layer describes projects and knows nothing of
// GitGate; this is where a project file becomes a gate.
/** The GitGate options for a project: its scope, gate, upstream and the effective settings. */
export function buildGateOptions(paths: StatePaths, project: ProjectConfig, global: GlobalConfig, flags: SettingFlags, logger?: Logger): GitGateOptions {
  const settings = effectiveSettings(project, global, flags);
  return {
    scope: project.name,
    gatePath: project.gate.path,
    stateRoot: paths.root,
    usePersonalSsh: settings.usePersonalSsh,
    backups: settings.backups,
    ...(project.upstream !== null ? {
      upstreamUrl: project.upstream.url,
      allowLocalUpstream: project.upstream.allowLocal,
      ...(project.upstream.defaultBranch !== null ? { defaultBranch: project.upstream.defaultBranch } : {}),
    } : {}),
    ...(settings.cacheEnabled ? { cloneCacheBase: paths.cacheDir } : {}),
    credentials: {
      vaultDir: vaultDirFor(paths, project.name),
      knownHostsFile: knownHostsFileFor(paths, project.name),
      hostKeys: project.ssh.hostKeys,
      passphrase: {
        ...(global.vault.passphraseCommand !== null ? { command: global.vault.passphraseCommand } : {}),
        ...(global.vault.passphraseFile !== null ? { file: global.vault.passphraseFile } : {}),
      },
    },
    ...(global.git.networkTimeoutMs !== null ? { networkTimeoutMs: global.git.networkTimeoutMs } : {}),
    ...(logger !== undefined ? { logger } : {}),
  };
}
