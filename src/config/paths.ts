import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GateError } from '../errors/index.js';
import { assertProjectName } from './names.js';

/** Everything git-gate keeps under one state root. */
export interface StatePaths {
  readonly root: string;
  /** The global config file. */
  readonly globalConfig: string;
  /** One `<name>.yaml` per project. */
  readonly projectsDir: string;
  /** Default home of gates: `<name>.git`, with `<name>.git.lock` beside it. */
  readonly gatesDir: string;
  /** cloneCacheBase for every project. */
  readonly cacheDir: string;
  /** Key vault, one directory per scope (the credentials layer owns its content). */
  readonly vaultDir: string;
  /** Pinned host keys, one file per scope. */
  readonly knownHostsDir: string;
  /** The last sync record of each project, `<name>.json`. */
  readonly recordsDir: string;
}

/** Where the state root comes from, highest precedence first. */
export interface StateRootInput {
  home?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
}

/** --home > GATE_HOME > $XDG_DATA_HOME/git-gate > ~/.local/share/git-gate. */
export function resolveStateRoot(input: StateRootInput): string {
  if (input.home !== undefined && input.home !== '') return path.resolve(input.home);
  const gateHome = input.env['GATE_HOME'];
  if (gateHome !== undefined && gateHome !== '') return path.resolve(gateHome);
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = input.env['XDG_DATA_HOME'];
  if (xdg !== undefined && path.isAbsolute(xdg)) return path.join(xdg, 'git-gate');
  const home = input.env['HOME'] !== undefined && input.env['HOME'] !== '' ? input.env['HOME'] : os.homedir();
  return path.join(home, '.local', 'share', 'git-gate');
}

/** The layout under a state root. */
export function statePaths(root: string): StatePaths {
  const resolved = path.resolve(root);
  return Object.freeze({
    root: resolved,
    globalConfig: path.join(resolved, 'config.yaml'),
    projectsDir: path.join(resolved, 'projects'),
    gatesDir: path.join(resolved, 'gates'),
    cacheDir: path.join(resolved, 'cache'),
    vaultDir: path.join(resolved, 'vault'),
    knownHostsDir: path.join(resolved, 'known_hosts'),
    recordsDir: path.join(resolved, 'state'),
  });
}

/** `projects/<name>.yaml`, checked to stay inside the root. */
export function projectFile(paths: StatePaths, name: string): string {
  return containedPath(paths.root, path.join(paths.projectsDir, `${assertProjectName(name)}.yaml`));
}

/** `gates/<name>.git`: where a project's gate lives unless gate.path says otherwise. */
export function defaultGatePath(paths: StatePaths, name: string): string {
  return containedPath(paths.root, path.join(paths.gatesDir, `${assertProjectName(name)}.git`));
}

/** `state/<name>.json`: the last sync record. */
export function syncRecordFile(paths: StatePaths, name: string): string {
  return containedPath(paths.root, path.join(paths.recordsDir, `${assertProjectName(name)}.json`));
}

/** `vault/<scope>/`: the scope's keys (the credentials layer writes it). */
export function vaultDirFor(paths: StatePaths, scope: string): string {
  return containedPath(paths.root, path.join(paths.vaultDir, assertProjectName(scope)));
}

/** `known_hosts/<scope>`: the scope's pinned host keys. */
export function knownHostsFileFor(paths: StatePaths, scope: string): string {
  return containedPath(paths.root, path.join(paths.knownHostsDir, assertProjectName(scope)));
}

/** Creates the root and its directories, 0700 (a fresh umask cannot widen them). */
export function ensureStateDirs(paths: StatePaths): void {
  mkdirSync(paths.root, { recursive: true, mode: 0o700 });
  for (const dir of [paths.projectsDir, paths.gatesDir, paths.cacheDir, paths.recordsDir]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    refuseSymlink(dir);
  }
}

/**
 * The real path of `target`, refusing one that leaves `root` or passes through a symlink below
 * it. The root itself may be a symlink (an operator's choice, e.g. onto another disk); the parts
 * that do not exist yet are appended to the real path of the longest existing ancestor.
 */
export function containedPath(root: string, target: string): string {
  const rootReal = realOrResolved(root);
  const relative = path.relative(path.resolve(root), path.resolve(target));
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new GateError('GATE_UNSAFE_PATH', `${target} is outside the state root ${root}`, { fix: 'Keep project files, gates and state under the state root.' });
  }
  let current = rootReal;
  for (const part of relative === '' ? [] : relative.split(path.sep)) {
    current = path.join(current, part);
    if (!refuseSymlink(current)) return path.join(rootReal, relative);
  }
  return current;
}

/** True when the path exists (and is not a symlink); throws GATE_UNSAFE_PATH for a symlink. */
function refuseSymlink(p: string): boolean {
  let info;
  try {
    info = lstatSync(p);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return false;
    throw error;
  }
  if (info.isSymbolicLink()) {
    throw new GateError('GATE_UNSAFE_PATH', `${p} is a symlink; git-gate does not follow symlinks inside its state root`, {
      fix: `Replace the symlink ${p} with a real directory or file, or point --home/GATE_HOME at the real location.`,
    });
  }
  return true;
}

function realOrResolved(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}
