// Project and global configuration: parse, validate, normalise, freeze; state paths. Runs no git
// and touches no gate.
export { writeFileAtomic } from './atomic-write.js';
export { DURATION_PATTERN, durationMs } from './duration.js';
export { assertGatePathUnshared, resolveGatePath } from './gate-path.js';
export { BUILTIN_DEFAULTS, loadGlobalConfig } from './global.js';
export { assertProjectName, PROJECT_NAME_PATTERN } from './names.js';
export {
  containedPath, defaultGatePath, ensureStateDirs, knownHostsFileFor, projectFile, resolveStateRoot, statePaths, syncRecordFile, vaultDirFor,
  type StatePaths, type StateRootInput,
} from './paths.js';
export { DEFAULT_POLICY_NAMESPACE, listProjectNames, loadProject, parseProjectText } from './project.js';
export { createProjectFile, type NewProject } from './project-writer.js';
export { globalSchema, LOG_LEVELS, POLICY_ACTIONS, PROJECT_MODES, projectSchema } from './schema.js';
export { keyPaths } from './schema-walk.js';
export { effectiveSettings, resolveUsePersonalSsh, type EffectiveSettings, type SettingFlags } from './settings.js';
export { readSyncRecord, writeSyncRecord, type SyncRecord } from './sync-record.js';
export type { GlobalConfig, LogLevel, PolicyAction, ProjectConfig, ProjectMode } from './types.js';
export { parseConfigYaml, type YamlSource } from './yaml-source.js';
