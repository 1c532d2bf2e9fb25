import { GateError } from '../errors/index.js';
import { locatedProblem } from './config-error.js';
import { deepFreeze } from './deep-freeze.js';
import { durationMs } from './duration.js';
import { serveConfig } from './serve-config.js';
import type { StatePaths } from './paths.js';
import { readConfigFile } from './read-config-file.js';
import { globalSchema } from './schema.js';
import type { GlobalConfig } from './types.js';

/** Built-in defaults, used for whatever the global config leaves unset. */
export const BUILTIN_DEFAULTS = Object.freeze({ usePersonalSsh: false, backupsEnabled: true, retentionDays: 30, cacheEnabled: true });

/** Loads `config.yaml` from the state root; a missing file means every default. */
export async function loadGlobalConfig(paths: StatePaths): Promise<GlobalConfig> {
  const read = await readConfigFile(paths.globalConfig, globalSchema);
  const raw = read?.value ?? {};
  if (read && raw.vault?.passphrase_command !== undefined && raw.vault.passphrase_file !== undefined) {
    throw new GateError('GATE_CONFIG_INVALID', locatedProblem(read.source, ['vault', 'passphrase_file'], 'set either vault.passphrase_command or vault.passphrase_file, not both'), {
      details: { file: read.source.file, key: 'vault' },
    });
  }
  return deepFreeze({
    file: read ? paths.globalConfig : null,
    ssh: { usePersonal: raw.ssh?.use_personal ?? BUILTIN_DEFAULTS.usePersonalSsh },
    vault: { passphraseCommand: raw.vault?.passphrase_command ?? null, passphraseFile: raw.vault?.passphrase_file ?? null },
    defaults: {
      backups: {
        enabled: raw.defaults?.backups?.enabled ?? BUILTIN_DEFAULTS.backupsEnabled,
        retentionDays: raw.defaults?.backups?.retention_days ?? BUILTIN_DEFAULTS.retentionDays,
      },
      cache: { enabled: raw.defaults?.cache?.enabled ?? BUILTIN_DEFAULTS.cacheEnabled },
    },
    git: { networkTimeoutMs: raw.git?.network_timeout === undefined ? null : durationMs(raw.git.network_timeout) },
    log: { level: raw.log?.level ?? null },
    serve: serveConfig(paths, read?.source ?? null, raw.serve ?? {}),
  });
}
