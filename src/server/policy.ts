// The push policy, as pure functions: which ref updates a token may make. Gitolite-like rules
// (ref pattern → allowed operations), first match decides, with two protections in front that no
// rule can lift by accident: git-gate's own namespace and the branches that mirror upstream.
import type { ProjectConfig } from '../config/index.js';

/** What a ref update does to its ref. */
export type PushOperation = 'create' | 'fast_forward' | 'force' | 'delete';

export const PUSH_OPERATIONS: readonly PushOperation[] = ['create', 'fast_forward', 'force', 'delete'];

/** One rule: a full ref pattern (`*` = one path component or part of it, `**` = anything, `{task}`) and what it allows. */
export interface PolicyRule {
  ref: string;
  allow: readonly PushOperation[];
}

/** A project's push policy. */
export interface PushPolicy {
  rules: readonly PolicyRule[];
  /** The default branch (HEAD's target) cannot be pushed to. */
  protectDefaultBranch: boolean;
  /** Branches that mirror an upstream branch cannot be pushed to. */
  protectUpstreamBranches: boolean;
  /** receive.maxInputSize for a push under this policy; absent or null = the endpoint's default. */
  maxPushBytes?: number | null;
}

/** Who pushes, as the token store vouches for it. */
export interface PushIdentity {
  tokenId: string;
  task: string;
  capability: 'read' | 'write';
}

/** One ref update of a push, classified. */
export interface ClassifiedUpdate {
  ref: string;
  oldSha: string;
  newSha: string;
  operation: PushOperation;
}

/** What the gate knows when it decides. */
export interface PolicyContext {
  /** HEAD's branch name (without refs/heads/), or null. */
  defaultBranch: string | null;
  /** Names of branches that mirror upstream (without refs/heads/). */
  upstreamBranches: ReadonlySet<string>;
}

/** Allowed, naming the rule that allowed it; or denied, with the rule (or protection) and what would be accepted. */
export type PolicyDecision =
  | { allowed: true; rule: string }
  | { allowed: false; rule: string; reason: string; hint: string };

/** The default task namespace prefix: tasks push under refs/heads/agent/<task>/. */
export const DEFAULT_TASK_PREFIX = 'agent';

/** The default policy: a task may do anything under its own namespace, nothing elsewhere. */
export function defaultPushPolicy(taskPrefix: string = DEFAULT_TASK_PREFIX): PushPolicy {
  const prefix = taskPrefix.replace(/^\/+|\/+$/g, '');
  return {
    rules: [{ ref: `refs/heads/${prefix === '' ? '' : `${prefix}/`}{task}/**`, allow: [...PUSH_OPERATIONS] }],
    protectDefaultBranch: true,
    protectUpstreamBranches: true,
  };
}

/**
 * The policy a project file asks for: its `policy.rules` first, in order (first match decides),
 * then the task namespace (`policy.namespace` + `**`) with every operation; both protections on;
 * `policy.max_push_bytes` as the push size cap.
 */
export function pushPolicyFromConfig(policy: ProjectConfig['policy']): PushPolicy {
  // A namespace without its trailing slash would otherwise widen to `…/{task}**` (task t1 writing t10/).
  const namespace = policy.namespace.endsWith('/') ? policy.namespace : `${policy.namespace}/`;
  return {
    rules: [...policy.rules.map((rule) => ({ ref: rule.ref, allow: [...rule.allow] })), { ref: `${namespace}**`, allow: [...PUSH_OPERATIONS] }],
    protectDefaultBranch: true,
    protectUpstreamBranches: true,
    maxPushBytes: policy.maxPushBytes,
  };
}

/** git-gate's own namespace; never written by a push, whatever the rules say. */
export const GATE_NAMESPACE = 'refs/gate';

/** A rule's pattern for one task. */
export function patternFor(rule: PolicyRule, task: string): string {
  return rule.ref.split('{task}').join(task);
}

/** True when `ref` matches `pattern` (after {task} substitution). */
export function refMatches(pattern: string, ref: string): boolean {
  return globToRegExp(pattern).test(ref);
}

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (ch === '*') source += '[^/]*';
    else source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Decides one classified update. */
export function decide(update: ClassifiedUpdate, identity: PushIdentity, policy: PushPolicy, ctx: PolicyContext): PolicyDecision {
  const deny = (rule: string, reason: string): PolicyDecision => ({ allowed: false, rule, reason, hint: acceptedHint(update.operation, identity, policy) });
  if (identity.capability !== 'write') return deny('read-only-token', 'this token may only fetch');
  if (update.ref === GATE_NAMESPACE || update.ref.startsWith(`${GATE_NAMESPACE}/`)) return deny('gate-namespace', 'refs/gate/* belongs to git-gate and is never written by a push');
  const branch = update.ref.startsWith('refs/heads/') ? update.ref.slice('refs/heads/'.length) : null;
  if (branch !== null && policy.protectDefaultBranch && branch === ctx.defaultBranch) {
    return deny('protected-default-branch', `${update.ref} is the default branch`);
  }
  if (branch !== null && policy.protectUpstreamBranches && ctx.upstreamBranches.has(branch)) {
    return deny('protected-upstream-branch', `${update.ref} mirrors an upstream branch`);
  }
  for (const rule of policy.rules) {
    if (!refMatches(patternFor(rule, identity.task), update.ref)) continue;
    if (rule.allow.includes(update.operation)) return { allowed: true, rule: rule.ref };
    return deny(rule.ref, `rule ${rule.ref} allows ${rule.allow.length === 0 ? 'nothing' : rule.allow.join(', ')}, not ${update.operation}`);
  }
  return deny('no-matching-rule', `no rule lets task ${identity.task} write ${update.ref}`);
}

/** "push to refs/heads/agent/t42/<name> instead", from the first rule that allows the operation. */
export function acceptedHint(operation: PushOperation, identity: PushIdentity, policy: PushPolicy): string {
  if (identity.capability !== 'write') return 'ask for a write token to push';
  const rule = policy.rules.find((r) => r.allow.includes(operation)) ?? policy.rules.find((r) => r.allow.length > 0);
  if (rule === undefined) return 'this gate accepts no pushes';
  const example = patternFor(rule, identity.task).replace(/\*\*/g, '<name>').replace(/\*/g, '<name>');
  return `push to ${example} instead`;
}

/** Classifies an update from its old and new shas and whether old is an ancestor of new. */
export function operationOf(oldSha: string, newSha: string, oldIsAncestor: boolean): PushOperation {
  if (/^0+$/.test(oldSha)) return 'create';
  if (/^0+$/.test(newSha)) return 'delete';
  return oldIsAncestor ? 'fast_forward' : 'force';
}
