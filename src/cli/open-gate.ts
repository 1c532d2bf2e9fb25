import { buildGateOptions, GitGate } from '../gate/index.js';
import {
  assertGatePathUnshared, effectiveSettings, ensureStateDirs, listProjectNames, loadProject,
  type EffectiveSettings, type GlobalConfig, type ProjectConfig, type SettingFlags,
} from '../config/index.js';
import type { CliContext } from './context.js';

/** A project's gate, opened for one command. */
export interface OpenGate {
  gate: GitGate;
  project: ProjectConfig;
  global: GlobalConfig;
  settings: EffectiveSettings;
}

/**
 * Loads the project, refuses a gate path that overlaps another project's gate, opens a GitGate
 * and always closes it. Other projects whose files do not load are not counted: they cannot
 * open their gates either, and one broken file must not block every project.
 */
export async function withProjectGate<T>(ctx: CliContext, name: string, flags: SettingFlags, work: (open: OpenGate) => Promise<T>): Promise<T> {
  const global = await ctx.global();
  const project = await loadProject(ctx.paths, name);
  const others = await Promise.all((await listProjectNames(ctx.paths)).filter((other) => other !== name).map((other) => loadProject(ctx.paths, other).catch(() => null)));
  assertGatePathUnshared(project, others.filter((other): other is ProjectConfig => other !== null));
  ensureStateDirs(ctx.paths);
  const gate = new GitGate(buildGateOptions(ctx.paths, project, global, flags, ctx.logger(global)));
  try {
    return await work({ gate, project, global, settings: effectiveSettings(project, global, flags) });
  } finally {
    await gate.close();
  }
}
