import { effectiveSettings, type GlobalConfig, listProjectNames, loadProject, type ProjectConfig, type StatePaths } from '../../config/index.js';
import { isGateError } from '../../errors/index.js';
import { isSshUrl } from '../../git/index.js';
import { checkSshCredentials } from './credentials.js';
import { fail, type Finding, ok } from './finding.js';

/** Every project file loads; SSH projects have a deploy key and a pinned host key (or use personal SSH). */
export async function checkProjects(paths: StatePaths, global: GlobalConfig | null): Promise<{ findings: Finding[]; projects: ProjectConfig[] }> {
  const findings: Finding[] = [];
  const projects: ProjectConfig[] = [];
  for (const name of await listProjectNames(paths)) {
    try {
      projects.push(await loadProject(paths, name));
    } catch (error) {
      if (!isGateError(error)) throw error;
      findings.push(fail('projects', `project ${name}: ${error.code}: ${error.message}`, error.fix));
    }
  }
  if (findings.length === 0) findings.push(ok('projects', `${projects.length} project file(s) load`));
  for (const project of projects) {
    if (project.upstream === null || !isSshUrl(project.upstream.url)) continue;
    const personal = global !== null && effectiveSettings(project, global).usePersonalSsh;
    if (personal) findings.push(ok('host-keys', `${project.name} uses your own SSH set-up (your known_hosts)`));
    else findings.push(...(await checkSshCredentials(paths, project)));
  }
  return { findings, projects };
}
