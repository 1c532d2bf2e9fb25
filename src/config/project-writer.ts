import { randomBytes } from 'node:crypto';
import { link, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GateError } from '../errors/index.js';
import { writeFileAtomic } from './atomic-write.js';
import { ensureStateDirs, projectFile, type StatePaths } from './paths.js';
import { parseProjectText } from './project.js';
import type { ProjectConfig, ProjectMode } from './types.js';
import { parseConfigYaml } from './yaml-source.js';

/** What `gate init` knows about a new project. */
export interface NewProject {
  name: string;
  mode?: ProjectMode | undefined;
  upstreamUrl?: string | undefined;
  defaultBranch?: string | undefined;
  allowLocal?: boolean | undefined;
}

/**
 * Writes `projects/<name>.yaml` for a new project. The text is validated by the real loader
 * before anything is written, then published atomically: without `force` by a hard link that
 * fails if the file appeared meanwhile (GATE_PROJECT_EXISTS), with `force` by a rename over it.
 */
export async function createProjectFile(paths: StatePaths, project: NewProject, options: { force?: boolean } = {}): Promise<ProjectConfig> {
  const file = projectFile(paths, project.name);
  const text = renderProjectYaml(project);
  const config = parseProjectText(paths, parseConfigYaml(file, text), project.name);
  ensureStateDirs(paths);
  if (options.force) {
    await writeFileAtomic(file, text);
    return config;
  }
  const temp = path.join(paths.projectsDir, `.${project.name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(temp, text, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, file);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
    throw new GateError('GATE_PROJECT_EXISTS', `project ${project.name} already exists (${file})`, {
      fix: `Edit ${file}, choose another name, or pass --force to overwrite it.`,
      details: { project: project.name },
    });
  } finally {
    await rm(temp, { force: true });
  }
  return config;
}

// Strings are written as JSON strings, which YAML reads as double-quoted scalars: no value can
// break out of its line or smuggle in a key.
function renderProjectYaml(project: NewProject): string {
  const q = (value: string) => JSON.stringify(value);
  const lines = [
    `# git-gate project ${project.name}. Every key is documented in docs/config.md.`,
    `name: ${q(project.name)}`,
  ];
  const mode = project.mode ?? (project.upstreamUrl === undefined ? 'remoteless' : 'gatekeeping');
  lines.push(`mode: ${mode}`);
  if (project.upstreamUrl !== undefined) {
    lines.push('upstream:', `  url: ${q(project.upstreamUrl)}`);
    if (project.defaultBranch !== undefined) lines.push(`  default_branch: ${q(project.defaultBranch)}`);
    if (project.allowLocal) lines.push('  allow_local: true');
  }
  return `${lines.join('\n')}\n`;
}
