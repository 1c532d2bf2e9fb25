// The projects a daemon serves, loaded once at start: one long-lived GitGate each (so one SSH
// agent per scope for the daemon's life). A project file that does not load, or whose gate path
// overlaps another's, is logged and skipped: one broken file must not take every gate down.
import {
  assertGatePathUnshared, type GlobalConfig, listProjectNames, loadProject, type ProjectConfig, type StatePaths,
} from '../config/index.js';
import { isGateError } from '../errors/index.js';
import { buildGateOptions, GitGate } from '../gate/index.js';
import type { Logger } from '../log/index.js';
import type { ManagedProject } from './daemon-state.js';

/** A project that could not be served, and why (code only: messages may carry host paths). */
export interface SkippedProject {
  name: string;
  code: string;
}

/** The served projects by name. */
export class ProjectRegistry {
  private constructor(private readonly byName: ReadonlyMap<string, ManagedProject>, readonly skipped: readonly SkippedProject[]) {}

  /** Loads every project file under the state root and opens its gate. */
  static async load(paths: StatePaths, global: GlobalConfig, logger: Logger): Promise<ProjectRegistry> {
    const skipped: SkippedProject[] = [];
    const loaded: ProjectConfig[] = [];
    for (const name of await listProjectNames(paths)) {
      try {
        loaded.push(await loadProject(paths, name));
      } catch (error) {
        skipped.push({ name, code: isGateError(error) ? error.code : 'GATE_CONFIG_INVALID' });
        logger.error({ err: error, project: name }, 'project file does not load; this project is not served');
      }
    }
    const byName = new Map<string, ManagedProject>();
    for (const config of loaded) {
      try {
        assertGatePathUnshared(config, loaded);
        const gate = new GitGate(buildGateOptions(paths, config, global, {}, logger));
        byName.set(config.name, { name: config.name, config, gate });
      } catch (error) {
        skipped.push({ name: config.name, code: isGateError(error) ? error.code : 'GATE_CONFIG_INVALID' });
        logger.error({ err: error, project: config.name }, 'project cannot be served');
      }
    }
    return new ProjectRegistry(byName, skipped);
  }

  /** A registry over projects built elsewhere (tests, embedders). */
  static of(projects: readonly ManagedProject[]): ProjectRegistry {
    return new ProjectRegistry(new Map(projects.map((project) => [project.name, project])), []);
  }

  projects(): readonly ManagedProject[] {
    return [...this.byName.values()];
  }

  project(name: string): ManagedProject | null {
    return this.byName.get(name) ?? null;
  }

  /** Closes every gate (stops their SSH agents). */
  async close(): Promise<void> {
    await Promise.allSettled(this.projects().map((project) => project.gate.close()));
  }
}
