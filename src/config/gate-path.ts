import { realpathSync } from 'node:fs';
import path from 'node:path';
import { GateError } from '../errors/index.js';
import { containedPath, defaultGatePath, type StatePaths } from './paths.js';
import type { ProjectConfig } from './types.js';

/**
 * Where a project's gate lives. Unset: `gates/<name>.git`. A relative path is resolved against
 * the state root and must stay under `gates/` (no symlinks on the way); an absolute path may
 * point anywhere outside the state root (the operator's choice), and inside it only under
 * `gates/`, so a gate can never overlay project files, the vault, the cache or sync records.
 */
export function resolveGatePath(paths: StatePaths, name: string, configured: string | undefined, invalid: (text: string) => GateError): string {
  if (configured === undefined) return defaultGatePath(paths, name);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(configured)) throw invalid('must not contain control characters');
  const resolved = path.resolve(paths.root, configured);
  // Inside the root by name, or by real path (an outside symlink may lead into the root).
  const lexical = path.relative(paths.root, resolved);
  const real = path.relative(realOrSelf(paths.root), realOrSelf(resolved));
  const relative = isRelativeInside(lexical) ? lexical : isRelativeInside(real) ? real : null;
  if (relative === null) {
    if (!path.isAbsolute(configured)) throw invalid(`the relative path ${JSON.stringify(configured)} leaves the state root; use an absolute path to put a gate elsewhere`);
    return resolved;
  }
  const [first, ...rest] = relative.split(path.sep);
  if (first !== 'gates' || rest.length === 0) throw invalid(`inside the state root a gate must live under ${paths.gatesDir}`);
  return containedPath(paths.root, path.join(paths.root, relative));
}

/** GATE_PATH_CONFLICT when the project's gate is, contains or sits inside another project's gate. */
export function assertGatePathUnshared(project: ProjectConfig, others: readonly ProjectConfig[]): void {
  for (const other of others) {
    if (other.name === project.name) continue;
    const a = project.gate.path;
    const b = other.gate.path;
    if (a === b || isWithin(a, b) || isWithin(b, a)) {
      throw new GateError('GATE_PATH_CONFLICT', `the gate path of project ${project.name} (${a}) overlaps the gate of project ${other.name} (${b})`, {
        fix: `Give each project its own gate.path (edit ${project.file} or ${other.file}).`,
      });
    }
  }
}

function isWithin(parent: string, child: string): boolean {
  return isRelativeInside(path.relative(parent, child));
}

function isRelativeInside(relative: string): boolean {
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

// The real path of the longest existing ancestor, with the rest appended.
function realOrSelf(p: string): string {
  const rest: string[] = [];
  for (let current = path.resolve(p); ; current = path.dirname(current)) {
    try {
      return path.join(realpathSync(current), ...rest.reverse());
    } catch {
      if (path.dirname(current) === current) return path.resolve(p);
      rest.push(path.basename(current));
    }
  }
}
