import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { GateError, isGateError } from '../errors/index.js';
import { parseUpstreamUrl } from '../git/url.js';
import { locatedProblem } from './config-error.js';
import { deepFreeze } from './deep-freeze.js';
import { durationMs } from './duration.js';
import { resolveGatePath } from './gate-path.js';
import { PROJECT_NAME_PATTERN } from './names.js';
import { projectFile, type StatePaths } from './paths.js';
import { readConfigFile, validate } from './read-config-file.js';
import { projectSchema, type RawProject } from './schema.js';
import type { ProjectConfig, ProjectMode } from './types.js';
import type { YamlSource } from './yaml-source.js';

export const DEFAULT_POLICY_NAMESPACE = 'refs/heads/agent/{task}/';

/** Loads `projects/<name>.yaml`: GATE_SCOPE_INVALID for a bad name (before any disk access),
 *  GATE_PROJECT_NOT_FOUND when absent, GATE_CONFIG_INVALID (file:line:col) when invalid. */
export async function loadProject(paths: StatePaths, name: string): Promise<ProjectConfig> {
  const file = projectFile(paths, name);
  const read = await readConfigFile(file, projectSchema);
  if (read === undefined) {
    throw new GateError('GATE_PROJECT_NOT_FOUND', `no project named ${name} (looked for ${file})`, {
      fix: `Check the name with \`gate list\`, or create the project with \`gate init ${name} --upstream URL\`.`,
      details: { project: name },
    });
  }
  return normalizeProject(paths, read.source, read.value, name);
}

/** Validates project YAML text as `loadProject` would (used to check a file before writing it). */
export function parseProjectText(paths: StatePaths, source: YamlSource, name: string): ProjectConfig {
  return normalizeProject(paths, source, validate(source, projectSchema), name);
}

/** Names of the project files under the state root, sorted; other files are ignored. */
export async function listProjectNames(paths: StatePaths): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(paths.projectsDir);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }
  return entries.filter((entry) => entry.endsWith('.yaml')).map((entry) => entry.slice(0, -'.yaml'.length)).filter((name) => PROJECT_NAME_PATTERN.test(name)).sort();
}

function normalizeProject(paths: StatePaths, source: YamlSource, raw: RawProject, expectedName: string): ProjectConfig {
  const invalid = (keyPath: PropertyKey[], text: string) => new GateError('GATE_CONFIG_INVALID', locatedProblem(source, keyPath, text), { details: { file: source.file, key: keyPath.join('.') } });
  if (raw.name !== expectedName) {
    throw invalid(['name'], `must equal the file name ${JSON.stringify(expectedName)} (got ${JSON.stringify(raw.name.slice(0, 80))})`);
  }
  const mode = resolveMode(raw, invalid);
  const upstream = raw.upstream === undefined ? null : {
    url: validatedUrl(paths, source, raw.upstream.url, raw.upstream.allow_local ?? false),
    defaultBranch: raw.upstream.default_branch ?? null,
    allowLocal: raw.upstream.allow_local ?? false,
  };
  const gatePath = resolveGatePath(paths, expectedName, raw.gate?.path, (text) => invalid(['gate', 'path'], text));
  if (upstream !== null && upstream.allowLocal && path.isAbsolute(upstream.url) && (gatePath === upstream.url || gatePath.startsWith(upstream.url + path.sep))) {
    throw invalid(['gate', 'path'], `the gate would live inside the local upstream ${upstream.url}; git-gate never writes into a user's repository`);
  }
  return deepFreeze({
    name: raw.name,
    file: source.file,
    mode,
    upstream,
    ssh: { usePersonal: raw.ssh?.use_personal ?? null, hostKeys: raw.ssh?.host_keys ?? [] },
    gate: { path: gatePath, backups: { enabled: raw.gate?.backups?.enabled ?? null, retentionDays: raw.gate?.backups?.retention_days ?? null } },
    cache: { enabled: raw.cache?.enabled ?? null },
    sync: { intervalMs: raw.sync?.interval === undefined ? null : durationMs(raw.sync.interval), branches: [...new Set(raw.sync?.branches ?? [])] },
    policy: {
      namespace: raw.policy?.namespace ?? DEFAULT_POLICY_NAMESPACE,
      rules: (raw.policy?.rules ?? []).map((rule) => ({ ref: rule.ref, allow: [...new Set(rule.allow)] })),
      maxPushBytes: raw.policy?.max_push_bytes ?? null,
    },
  });
}

// The mode follows from the upstream unless set; a set mode must agree with it.
function resolveMode(raw: RawProject, invalid: (keyPath: PropertyKey[], text: string) => GateError): ProjectMode {
  if (raw.mode === undefined) return raw.upstream === undefined ? 'remoteless' : 'gatekeeping';
  if (raw.mode === 'remoteless' && raw.upstream !== undefined) {
    throw invalid(['mode'], 'a remoteless project has no upstream: remove the upstream section, or set mode to "gatekeeping" or "online"');
  }
  if (raw.mode !== 'remoteless' && raw.upstream === undefined) {
    throw invalid(['mode'], `mode ${raw.mode} needs an upstream: add "upstream: {url: …}", or set mode to "remoteless"`);
  }
  return raw.mode;
}

// The URL grammar is checked here so a bad URL is reported with its line; the code stays the
// URL's own (GATE_UPSTREAM_URL_INVALID, …LOCAL_NOT_ALLOWED, …INSIDE_STATE).
function validatedUrl(paths: StatePaths, source: YamlSource, url: string, allowLocal: boolean): string {
  try {
    return parseUpstreamUrl(url, { allowLocal, stateRoot: paths.root }).url;
  } catch (error) {
    if (!isGateError(error)) throw error;
    throw new GateError(error.code, locatedProblem(source, ['upstream', 'url'], error.message), { fix: error.fix, details: { file: source.file, key: 'upstream.url' } });
  }
}
