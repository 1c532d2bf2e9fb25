import { randomBytes } from 'node:crypto';
import { appendFile, chmod, lstat, mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { GateError } from '../errors/index.js';
import { forEachRefArgs, GitCommandError, type GitRunner, parseForEachRef, type RefUpdate } from '../git/index.js';
import { GATE_CONFIG_VERSION, GATE_REPO_CONFIG, HIDDEN } from './layout.js';
import { applyRefUpdates } from './transaction.js';

/** git-gate's own keys in a gate's config. */
export interface GateIdentity {
  version: string | null;
  scope: string | null;
  upstream: string | null;
}

/** Fails unless the gate directory is a real directory owned by us and not group/other-writable. */
export async function assertSafeGateDir(gatePath: string): Promise<void> {
  const info = await lstat(gatePath);
  if (info.isSymbolicLink()) throw new GateError('GATE_UNSAFE_PATH', `gate path ${gatePath} is a symlink`);
  if (!info.isDirectory()) throw new GateError('GATE_NOT_A_GATE', `gate path ${gatePath} exists and is not a directory`);
  if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
    throw new GateError('GATE_UNSAFE_PATH', `gate path ${gatePath} is owned by uid ${info.uid}, not by this process (uid ${process.getuid()})`);
  }
  if ((info.mode & 0o022) !== 0) {
    throw new GateError('GATE_UNSAFE_PATH', `gate path ${gatePath} is writable by group or others (mode ${(info.mode & 0o777).toString(8)})`);
  }
}

// Keys a gate's own config may hold: git's repository basics, git-gate's settings and gate.*.
// Anything else (url.*.insteadOf, fetch.fsck.*, http.*.followRedirects, credential.*, core.sshCommand,
// include.*) could redirect or weaken host-side git, since command-line -c cannot unset a key.
const ALLOWED_CONFIG = new Set([
  'core.repositoryformatversion', 'core.filemode', 'core.bare', 'core.logallrefupdates', 'core.ignorecase',
  'core.precomposeunicode', 'core.symlinks', 'extensions.objectformat', 'gate.version', 'gate.scope', 'gate.upstream',
  ...GATE_REPO_CONFIG.map(([key]) => key.toLowerCase()),
]);

/** What one read of a gate's local config tells. */
export interface GateConfig {
  identity: GateIdentity;
  bare: boolean;
  /** Keys outside the allow-list. */
  foreign: string[];
}

/** Reads the gate's whole local config in one process; GATE_NOT_A_GATE when git cannot. */
export async function readGateConfig(runner: GitRunner, gatePath: string): Promise<GateConfig> {
  let stdout: string;
  try {
    ({ stdout } = await runner.run(['config', '--local', '--list', '-z'], { gitDir: gatePath, okExitCodes: [1] }));
  } catch (error) {
    if (error instanceof GitCommandError) throw new GateError('GATE_NOT_A_GATE', `gate path ${gatePath} is not a git repository git-gate can use`, { cause: error });
    throw error;
  }
  const config: GateConfig = { identity: { version: null, scope: null, upstream: null }, bare: false, foreign: [] };
  const foreign = new Set<string>();
  // -z: "key\nvalue\0" per entry, or "key\0" for a key without a value.
  for (const entry of stdout.split('\0')) {
    if (entry.length === 0) continue;
    const newline = entry.indexOf('\n');
    const key = (newline < 0 ? entry : entry.slice(0, newline)).toLowerCase();
    const value = newline < 0 ? '' : entry.slice(newline + 1);
    if (key === 'gate.version') config.identity.version = value;
    else if (key === 'gate.scope') config.identity.scope = value;
    else if (key === 'gate.upstream') config.identity.upstream = value;
    else if (key === 'core.bare') config.bare = value === 'true';
    if (!ALLOWED_CONFIG.has(key)) foreign.add(newline < 0 ? entry : entry.slice(0, newline));
  }
  config.foreign = [...foreign];
  return config;
}

// Config files this process found clean, by exact content. A clean config has no include.*, so
// its bytes are all there is to it: the same bytes need no second look by git.
const cleanConfigs = new Map<string, { stamp: string; identity: GateIdentity }>();

async function configStamp(gatePath: string): Promise<string | null> {
  return readFile(path.join(gatePath, 'config'), 'utf8').catch(() => null);
}

/**
 * Removes every config key git-gate did not put there and returns the gate's identity with the
 * keys removed. A repository with a work tree is refused before anything is touched: it is
 * somebody's checkout, never a gate. A config file unchanged since this process last found it
 * clean is not parsed by git again (one git process saved on every locked operation).
 */
export async function normalizeGateConfig(runner: GitRunner, gatePath: string): Promise<{ identity: GateIdentity; removed: string[] }> {
  const before = await configStamp(gatePath);
  const known = cleanConfigs.get(gatePath);
  if (before !== null && known?.stamp === before) return { identity: { ...known.identity }, removed: [] };
  const config = await readGateConfig(runner, gatePath);
  if (!config.bare) throw new GateError('GATE_NOT_A_GATE', `gate path ${gatePath} is a repository with a work tree; git-gate only adopts bare repositories`);
  for (const key of config.foreign) await runner.run(['config', '--local', '--unset-all', '--end-of-options', key], { gitDir: gatePath, okExitCodes: [5] });
  // Remembered only when nothing was removed and the file did not change while it was read.
  if (config.foreign.length === 0 && before !== null && (await configStamp(gatePath)) === before) cleanConfigs.set(gatePath, { stamp: before, identity: { ...config.identity } });
  else cleanConfigs.delete(gatePath);
  return { identity: config.identity, removed: config.foreign };
}

function quoteConfigValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** What a new gate records about itself. */
export interface NewGateIdentity {
  scope: string;
  upstream: string | null;
  defaultBranch: string;
}

/**
 * Appends git-gate's settings and identity to a fresh repository's config. The repository is
 * still private (not yet renamed into place) and its config ours alone, so it is written as text:
 * one file write instead of a dozen `git config` processes on the initial sync's critical path.
 */
export async function writeNewGateConfig(dir: string, identity: NewGateIdentity): Promise<void> {
  const lines = ['[gate]', `\tversion = ${GATE_CONFIG_VERSION}`, `\tscope = ${quoteConfigValue(identity.scope)}`];
  if (identity.upstream !== null) lines.push(`\tupstream = ${quoteConfigValue(identity.upstream)}`);
  let section = '';
  for (const [key, value] of GATE_REPO_CONFIG) {
    const dot = key.indexOf('.');
    const name = key.slice(0, dot);
    if (name !== section) lines.push(`[${(section = name)}]`);
    lines.push(`\t${key.slice(dot + 1)} = ${quoteConfigValue(value)}`);
  }
  await appendFile(path.join(dir, 'config'), lines.join('\n') + '\n');
}

/** A sibling temp directory a new gate is built in before it is renamed into place. */
export function newGateTempPath(gatePath: string): string {
  return `${gatePath}.tmp-${randomBytes(6).toString('hex')}`;
}

/** True for a name newGateTempPath() gives for this gate: a leftover when no sync is running. */
export function isNewGateTempName(gatePath: string, name: string): boolean {
  const prefix = `${path.basename(gatePath)}.tmp-`;
  return name.startsWith(prefix) && /^[0-9a-f]{12}$/.test(name.slice(prefix.length));
}

/**
 * Builds a new gate in a sibling temp directory with `build`, then renames it into place, so a
 * crash never leaves a half-made gate at the gate path (the temp directory is cleaned up by the
 * next locked operation).
 */
export async function publishNewGate(gatePath: string, build: (temp: string) => Promise<void>): Promise<void> {
  await mkdir(path.dirname(gatePath), { recursive: true, mode: 0o700 });
  const temp = newGateTempPath(gatePath);
  try {
    await build(temp);
    await chmod(temp, 0o700);
    await rename(temp, gatePath);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Creates a new, empty gate: `init --bare --template=` (no sample hooks) and git-gate's config. */
export async function createGate(runner: GitRunner, gatePath: string, identity: NewGateIdentity): Promise<void> {
  await publishNewGate(gatePath, async (temp) => {
    await runner.run(['init', '--bare', '--quiet', '--template=', `--initial-branch=${identity.defaultBranch}`, '--end-of-options', temp]);
    await writeNewGateConfig(temp, identity);
  });
}

/**
 * Adopts a bare repository made by `git clone --mirror` or another tool: remotes removed, config
 * normalised, refs outside heads/tags/gate (refs/pull/*, refs/remotes/*, refs/replace/*, notes)
 * dropped. Branches are kept as they are; their provenance is learnt on the next sync.
 * gate.version is written last, so an interrupted migration simply runs again.
 */
export async function migrateGate(runner: GitRunner, gatePath: string, identity: { scope: string; upstream: string | null }): Promise<string[]> {
  const { stdout: bare } = await runner.run(['rev-parse', '--is-bare-repository'], { gitDir: gatePath });
  if (bare.trim() !== 'true') throw new GateError('GATE_NOT_A_GATE', `gate path ${gatePath} is a repository with a work tree; git-gate only adopts bare repositories`);
  const notes: string[] = [];
  const { removed: dropped } = await normalizeGateConfig(runner, gatePath);
  if (dropped.length > 0) notes.push(`removed config the gate does not need: ${dropped.slice(0, 8).join(', ')}${dropped.length > 8 ? ', …' : ''}`);
  for (const [key, value] of GATE_REPO_CONFIG) {
    await runner.run(['config', '--local', '--replace-all', '--end-of-options', key, value], { gitDir: gatePath });
  }
  const { stdout } = await runner.run(forEachRefArgs([]), { gitDir: gatePath });
  const foreign: RefUpdate[] = [];
  for (const [ref, sha] of parseForEachRef(stdout)) {
    if (!ref.startsWith('refs/heads/') && !ref.startsWith('refs/tags/') && !ref.startsWith(`${HIDDEN}/`)) foreign.push({ op: 'delete', ref, oldSha: sha });
  }
  if (foreign.length > 0) {
    await applyRefUpdates(runner, gatePath, foreign, 'git-gate: adopt gate, drop foreign namespaces');
    notes.push(`dropped ${foreign.length} refs outside refs/heads and refs/tags (e.g. ${foreign[0]!.ref})`);
  }
  await rm(path.join(gatePath, 'FETCH_HEAD'), { force: true });
  await runner.run(['config', '--local', 'gate.scope', identity.scope], { gitDir: gatePath });
  if (identity.upstream !== null) await runner.run(['config', '--local', 'gate.upstream', identity.upstream], { gitDir: gatePath });
  await runner.run(['config', '--local', 'gate.version', GATE_CONFIG_VERSION], { gitDir: gatePath });
  await chmod(gatePath, 0o700);
  return notes;
}

/** Records a new upstream URL in the gate's config. */
export async function setGateUpstream(runner: GitRunner, gatePath: string, upstream: string): Promise<void> {
  await runner.run(['config', '--local', 'gate.upstream', upstream], { gitDir: gatePath });
}

/** The branch HEAD points at, read from the HEAD file (a bare gate uses the files backend). */
export async function readHeadTarget(gatePath: string): Promise<string | null> {
  const text = await readFile(path.join(gatePath, 'HEAD'), 'utf8').catch(() => '');
  const match = /^ref: refs\/heads\/(.+)\n?$/.exec(text);
  return match ? match[1]! : null;
}

/** Points HEAD at a branch. */
export async function setHeadTarget(runner: GitRunner, gatePath: string, branch: string): Promise<void> {
  await runner.run(['symbolic-ref', '-m', 'git-gate: follow upstream default branch', 'HEAD', `refs/heads/${branch}`], { gitDir: gatePath });
}
