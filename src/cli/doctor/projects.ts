import { existsSync } from 'node:fs';
import { effectiveSettings, type GlobalConfig, knownHostsFileFor, listProjectNames, loadProject, type ProjectConfig, type StatePaths } from '../../config/index.js';
import { isGateError } from '../../errors/index.js';
import { isSshUrl } from '../../git/index.js';
import { fail, type Finding, ok, warn } from './finding.js';

/** Every project file loads; SSH projects have a host key pinned (or use personal SSH). */
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
    else if (project.ssh.hostKeys.length > 0 || existsSync(knownHostsFileFor(paths, project.name))) findings.push(ok('host-keys', `${project.name} has a pinned host key`));
    else findings.push(warn('host-keys', `${project.name} reaches its upstream over SSH and has no host key pinned`, `Add the upstream's key under ssh.host_keys in ${project.file} (ssh-keyscan shows it; check its fingerprint with the host's operator).`));
  }
  return { findings, projects };
}
