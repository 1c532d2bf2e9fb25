import type { GlobalConfig, ProjectConfig } from './types.js';

/** Command-line flags that override config. */
export interface SettingFlags {
  /** --use-personal-ssh: true when given, undefined otherwise. */
  usePersonalSsh?: boolean | undefined;
}

/** Personal SSH: --use-personal-ssh > project ssh.use_personal > global ssh.use_personal > false. */
export function resolveUsePersonalSsh(flags: SettingFlags, project: Pick<ProjectConfig, 'ssh'> | null, global: Pick<GlobalConfig, 'ssh'>): boolean {
  if (flags.usePersonalSsh === true) return true;
  if (project !== null && project.ssh.usePersonal !== null) return project.ssh.usePersonal;
  return global.ssh.usePersonal;
}

/** A project's settings after the global config's defaults are applied. */
export interface EffectiveSettings {
  usePersonalSsh: boolean;
  backups: { enabled: boolean; retentionDays: number };
  cacheEnabled: boolean;
}

/** Project value > global default > built-in default, for each inherited setting. */
export function effectiveSettings(project: ProjectConfig, global: GlobalConfig, flags: SettingFlags = {}): EffectiveSettings {
  return {
    usePersonalSsh: resolveUsePersonalSsh(flags, project, global),
    backups: {
      enabled: project.gate.backups.enabled ?? global.defaults.backups.enabled,
      retentionDays: project.gate.backups.retentionDays ?? global.defaults.backups.retentionDays,
    },
    cacheEnabled: project.cache.enabled ?? global.defaults.cache.enabled,
  };
}
