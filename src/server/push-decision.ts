// The second enforcement layer: what the pre-receive relay asks the daemon. Each pushed update is
// classified (create / fast_forward / force / delete, with `merge-base --is-ancestor` run inside
// receive-pack's quarantine so the new objects are visible), decided by the policy, audited, and
// when every update is allowed, each force-push or delete gets a backup ref before git moves it.
import path from 'node:path';
import { forEachRefArgs, type GitRunner, isObjectId, parseForEachRef, updateRefArgs, updateRefInput, ZERO_OID } from '../git/index.js';
import type { Logger } from '../log/index.js';
import { escapeControl } from '../log/index.js';
import { BackupNamer } from '../gate/backups.js';
import { readHeadTarget } from '../gate/gate-repo.js';
import { readRefState } from '../gate/ref-state.js';
import type { HookAnswer, HookRequest } from './hook-relay.js';
import { type ClassifiedUpdate, decide, operationOf, type PolicyContext, type PushPolicy } from './policy.js';
import type { TokenIdentity } from './tokens.js';

/** What the decision found, kept until the request ends (events are published then). */
export interface PushOutcome {
  /** Updates the policy allowed; empty when anything in the push was refused (nothing applies then). */
  accepted: ClassifiedUpdate[];
  /** Every refusal; `ref` is null when the whole push was refused (e.g. push options). */
  denied: Array<{ ref: string | null; rule: string; reason: string }>;
}

/** What the server knows about one receive-pack request; never from the client. */
export interface PushSession {
  identity: TokenIdentity;
  gatePath: string;
  policy: PushPolicy;
  outcome: PushOutcome;
}

const MAX_UPDATES = 1_000;

/** Answers one pre-receive request for a session. */
export async function decidePush(runner: GitRunner, logger: Logger, session: PushSession, request: HookRequest): Promise<HookAnswer> {
  const started = Date.now();
  const { outcome } = session;
  if (request.pushOptionCount !== null && request.pushOptionCount !== '0') {
    outcome.denied.push({ ref: null, rule: 'push-options', reason: 'push options are not accepted' });
    return refuse(['push options are not accepted by this gate; push again without -o/--push-option']);
  }
  const parsed = parseUpdates(request.updates);
  if (parsed === null) return refuse(['the push could not be read; nothing was changed']);
  // A push that only deletes sends no pack, so git makes no quarantine; any other push must have one.
  const quarantine = quarantineEnv(session.gatePath, request);
  const deletesOnly = parsed.every((u) => isZero(u.newSha));
  if (quarantine === null && !deletesOnly) return refuse(['the push arrived without git\'s quarantine; nothing was changed']);

  const { ctx, backups, existing } = await gatePolicyContext(runner, session.gatePath);
  const { identity } = session;
  const who = { tokenId: identity.id, task: identity.task, capability: identity.capability };
  const lines: string[] = [];
  const accepted: ClassifiedUpdate[] = [];
  for (const pushed of parsed) {
    const { newSha, ref } = pushed;
    // A hidden ref looks absent to the client, which then sends a create; classify (and report)
    // what the push would really do to the ref as the gate has it.
    const oldSha = isZero(pushed.oldSha) ? existing.get(ref) ?? pushed.oldSha : pushed.oldSha;
    const operation = operationOf(oldSha, newSha, await isAncestor(runner, session.gatePath, oldSha, newSha, quarantine));
    const update = { ref, oldSha, newSha, operation };
    const decision = decide(update, { tokenId: identity.id, task: identity.task, capability: identity.capability }, session.policy, ctx);
    logger.info({ audit: 'push', ...who, project: identity.project, ref, oldSha, newSha, operation, decision: decision.allowed ? 'allow' : 'deny', rule: decision.rule, durationMs: Date.now() - started }, 'push decision');
    if (decision.allowed) {
      accepted.push(update);
      continue;
    }
    outcome.denied.push({ ref, rule: decision.rule, reason: decision.reason });
    lines.push(`refused ${show(ref)} (${operation}): ${decision.reason} [rule: ${show(decision.rule)}]`, `  ${show(decision.hint)}`);
  }
  if (lines.length > 0) {
    if (accepted.length > 0) lines.push(`nothing in this push was applied (${accepted.length} allowed update(s) were refused with it)`);
    return refuse(lines);
  }
  const notes = await writeBackups(runner, session.gatePath, accepted, backups, identity.task);
  outcome.accepted = accepted;
  return { accept: true, lines: prefixed(notes) };
}

/**
 * The accepted updates that receive-pack really applied: each ref is read back after git exited
 * (git may still refuse one after the hook, e.g. a stale old value), so an event never reports a
 * change that did not happen.
 */
export async function appliedUpdates(runner: GitRunner, gatePath: string, accepted: readonly ClassifiedUpdate[]): Promise<ClassifiedUpdate[]> {
  if (accepted.length === 0) return [];
  const { stdout } = await runner.run(forEachRefArgs(accepted.map((u) => u.ref)), { gitDir: gatePath });
  const now = parseForEachRef(stdout);
  return accepted.filter((u) => (u.operation === 'delete' ? !now.has(u.ref) : now.get(u.ref) === u.newSha));
}

/** What the policy needs to know about a gate now, its branches and tags (full names), and its backup refs (to name new ones). */
export async function gatePolicyContext(runner: GitRunner, gatePath: string): Promise<{ ctx: PolicyContext; existing: ReadonlyMap<string, string>; backups: ReadonlyMap<string, string> }> {
  const state = await readRefState(runner, gatePath);
  const upstreamBranches = new Set([...state.snapshot.keys(), ...state.attic.keys()]);
  const existing = new Map([...[...state.heads].map(([name, sha]) => [`refs/heads/${name}`, sha] as const), ...[...state.tags].map(([name, sha]) => [`refs/tags/${name}`, sha] as const)]);
  return { ctx: { defaultBranch: await readHeadTarget(gatePath), upstreamBranches }, existing, backups: state.backups };
}

function refuse(lines: string[]): HookAnswer {
  return { accept: false, lines: prefixed(lines) };
}

function prefixed(lines: string[]): string[] {
  return lines.map((line) => `git-gate: ${line}`);
}

// Ref names are git-validated, but whatever is printed on a client's terminal is escaped anyway.
function show(text: string): string {
  return escapeControl(text).slice(0, 300);
}

function parseUpdates(text: string): Array<{ oldSha: string; newSha: string; ref: string }> | null {
  const updates: Array<{ oldSha: string; newSha: string; ref: string }> = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [oldSha, newSha, ref, extra] = line.split(' ');
    if (oldSha === undefined || newSha === undefined || ref === undefined || extra !== undefined) return null;
    if (!isObjectId(oldSha) || !isObjectId(newSha) || !ref.startsWith('refs/')) return null;
    updates.push({ oldSha, newSha, ref });
  }
  return updates.length > 0 && updates.length <= MAX_UPDATES ? updates : null;
}

// The quarantine variables, accepted only when they point inside this gate's object directory
// (the relay is ours, but what reaches a git command line is checked where it is used).
function quarantineEnv(gatePath: string, request: HookRequest): Record<string, string> | null {
  const objects = path.resolve(gatePath, 'objects');
  const { objectDirectory, alternateObjectDirectories, quarantinePath } = request;
  if (objectDirectory === null || alternateObjectDirectories === null || quarantinePath === null) return null;
  const inside = (dir: string) => path.resolve(gatePath, dir).startsWith(`${objects}${path.sep}`);
  if (!inside(objectDirectory) || !inside(quarantinePath) || path.resolve(gatePath, alternateObjectDirectories) !== objects) return null;
  return {
    GIT_OBJECT_DIRECTORY: path.resolve(gatePath, objectDirectory),
    GIT_ALTERNATE_OBJECT_DIRECTORIES: objects,
    GIT_QUARANTINE_PATH: path.resolve(gatePath, quarantinePath),
  };
}

function isZero(sha: string): boolean {
  return sha === ZERO_OID || /^0+$/.test(sha);
}

async function isAncestor(runner: GitRunner, gatePath: string, oldSha: string, newSha: string, quarantine: Record<string, string> | null): Promise<boolean> {
  if (isZero(oldSha) || isZero(newSha) || quarantine === null) return false;
  const { exitCode } = await runner.run(['merge-base', '--is-ancestor', '--end-of-options', oldSha, newSha], { gitDir: gatePath, env: quarantine, okExitCodes: [1] });
  return exitCode === 0;
}

// Backups are written outside the quarantine (git refuses ref updates inside it) and point at
// the old tips, which are already in the gate: before git moves anything, as the issue asks.
async function writeBackups(runner: GitRunner, gatePath: string, accepted: readonly ClassifiedUpdate[], existing: ReadonlyMap<string, string>, task: string): Promise<string[]> {
  const destructive = accepted.filter((u) => (u.operation === 'force' || u.operation === 'delete') && u.ref.startsWith('refs/heads/'));
  if (destructive.length === 0) return [];
  const namer = new BackupNamer(existing.keys());
  const backups = destructive.map((u) => ({ update: u, backup: namer.backup(u.ref.slice('refs/heads/'.length), u.oldSha) }));
  await runner.run(updateRefArgs(`git-gate: backup before ${task}'s push`), { gitDir: gatePath, input: updateRefInput(backups.map((b) => b.backup)) });
  return backups.map(({ update, backup }) => `${update.operation === 'delete' ? 'deleting' : 'force-pushing'} ${show(update.ref)}: its old tip ${update.oldSha.slice(0, 12)} is kept as ${show(backup.ref)}`);
}
