import { describe, expect, it } from 'vitest';
import {
  acceptedHint, decide, defaultPushPolicy, operationOf, type PolicyContext, type PushIdentity, type PushOperation, pushPolicyFromConfig, refMatches,
} from '../../src/server/policy.js';

const ZERO = '0'.repeat(40);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const t1: PushIdentity = { tokenId: 'tok_1', task: 't1', capability: 'write' };
const ctx: PolicyContext = { defaultBranch: 'main', upstreamBranches: new Set(['main', 'release/1.x']) };
const update = (ref: string, operation: PushOperation) => ({ ref, oldSha: A, newSha: B, operation });

describe('refMatches', () => {
  it('matches * within one component and ** across components', () => {
    expect(refMatches('refs/heads/agent/t1/**', 'refs/heads/agent/t1/x')).toBe(true);
    expect(refMatches('refs/heads/agent/t1/**', 'refs/heads/agent/t1/x/y')).toBe(true);
    expect(refMatches('refs/heads/agent/t1/**', 'refs/heads/agent/t10/x')).toBe(false);
    expect(refMatches('refs/heads/agent/t1/**', 'refs/heads/agent/t1')).toBe(false);
    expect(refMatches('refs/heads/feature-*', 'refs/heads/feature-x')).toBe(true);
    expect(refMatches('refs/heads/feature-*', 'refs/heads/feature-x/y')).toBe(false);
    expect(refMatches('refs/heads/main', 'refs/heads/main')).toBe(true);
    expect(refMatches('refs/heads/main', 'refs/heads/mainx')).toBe(false);
  });

  it('treats regex characters in a pattern literally', () => {
    expect(refMatches('refs/heads/v1.0', 'refs/heads/v1x0')).toBe(false);
    expect(refMatches('refs/heads/a+b', 'refs/heads/a+b')).toBe(true);
    expect(refMatches('refs/heads/(x)', 'refs/heads/(x)')).toBe(true);
  });
});

describe('operationOf', () => {
  it('classifies creates, deletes, fast-forwards and forces', () => {
    expect(operationOf(ZERO, B, false)).toBe('create');
    expect(operationOf(A, ZERO, false)).toBe('delete');
    expect(operationOf(A, B, true)).toBe('fast_forward');
    expect(operationOf(A, B, false)).toBe('force');
    expect(operationOf('0'.repeat(64), B, false)).toBe('create');
  });
});

describe('decide', () => {
  const policy = defaultPushPolicy();

  it('allows every operation inside the task namespace', () => {
    for (const operation of ['create', 'fast_forward', 'force', 'delete'] as const) {
      expect(decide(update('refs/heads/agent/t1/work', operation), t1, policy, ctx)).toEqual({ allowed: true, rule: 'refs/heads/agent/{task}/**' });
    }
  });

  it('refuses another task\'s namespace, tags and other branches, naming the rule and the way out', () => {
    for (const ref of ['refs/heads/agent/t2/work', 'refs/heads/agent/t1', 'refs/tags/v1', 'refs/heads/feature', 'refs/notes/commits', 'refs/heads/-x', 'refs/heads/HEAD']) {
      expect(decide(update(ref, 'create'), t1, policy, ctx)).toEqual({
        allowed: false, rule: 'no-matching-rule', reason: `no rule lets task t1 write ${ref}`, hint: 'push to refs/heads/agent/t1/<name> instead',
      });
    }
  });

  it('protects the default branch and upstream branches before any rule', () => {
    const open = { ...policy, rules: [{ ref: 'refs/heads/**', allow: ['create', 'fast_forward', 'force', 'delete'] as PushOperation[] }] };
    expect(decide(update('refs/heads/main', 'fast_forward'), t1, open, ctx)).toMatchObject({ allowed: false, rule: 'protected-default-branch' });
    expect(decide(update('refs/heads/release/1.x', 'delete'), t1, open, ctx)).toMatchObject({ allowed: false, rule: 'protected-upstream-branch' });
    expect(decide(update('refs/heads/anything', 'force'), t1, open, ctx)).toMatchObject({ allowed: true });
    const unprotected = { ...open, protectDefaultBranch: false, protectUpstreamBranches: false };
    expect(decide(update('refs/heads/main', 'fast_forward'), t1, unprotected, ctx)).toMatchObject({ allowed: true });
  });

  it('never lets a rule write refs/gate/*', () => {
    const everything = { ...policy, rules: [{ ref: 'refs/**', allow: ['create', 'fast_forward', 'force', 'delete'] as PushOperation[] }], protectDefaultBranch: false, protectUpstreamBranches: false };
    for (const ref of ['refs/gate', 'refs/gate/x', 'refs/gate/backup/main/x', 'refs/gate/upstream/main']) {
      expect(decide(update(ref, 'create'), t1, everything, ctx)).toMatchObject({ allowed: false, rule: 'gate-namespace' });
    }
    expect(decide(update('refs/gateway', 'create'), t1, everything, ctx)).toMatchObject({ allowed: true });
  });

  it('refuses everything to a read token', () => {
    expect(decide(update('refs/heads/agent/t1/x', 'create'), { ...t1, capability: 'read' }, policy, ctx)).toEqual({
      allowed: false, rule: 'read-only-token', reason: 'this token may only fetch', hint: 'ask for a write token to push',
    });
  });

  it('decides by the first matching rule, which may refuse an operation', () => {
    const ffOnly = pushPolicyFromConfig({ namespace: 'refs/heads/agent/{task}/', rules: [{ ref: 'refs/heads/agent/{task}/keep/**', allow: ['create', 'fast_forward'] }], maxPushBytes: null });
    expect(decide(update('refs/heads/agent/t1/keep/x', 'force'), t1, ffOnly, ctx)).toEqual({
      allowed: false, rule: 'refs/heads/agent/{task}/keep/**', reason: 'rule refs/heads/agent/{task}/keep/** allows create, fast_forward, not force', hint: 'push to refs/heads/agent/t1/<name> instead',
    });
    expect(decide(update('refs/heads/agent/t1/other', 'force'), t1, ffOnly, ctx)).toMatchObject({ allowed: true, rule: 'refs/heads/agent/{task}/**' });
  });
});

describe('acceptedHint', () => {
  it('names the first rule that allows the operation, with {task} filled in', () => {
    const policy = pushPolicyFromConfig({ namespace: 'refs/heads/bots/{task}/', rules: [{ ref: 'refs/heads/shared/*', allow: ['create', 'fast_forward'] }], maxPushBytes: null });
    expect(acceptedHint('create', t1, policy)).toBe('push to refs/heads/shared/<name> instead');
    expect(acceptedHint('force', t1, policy)).toBe('push to refs/heads/bots/t1/<name> instead');
    expect(acceptedHint('create', { ...t1, capability: 'read' }, policy)).toBe('ask for a write token to push');
    expect(acceptedHint('create', t1, { rules: [], protectDefaultBranch: true, protectUpstreamBranches: true })).toBe('this gate accepts no pushes');
  });
});

describe('pushPolicyFromConfig', () => {
  it('puts the configured rules first, then the task namespace with every operation, protections on', () => {
    const policy = pushPolicyFromConfig({
      namespace: 'refs/heads/agent/{task}/',
      rules: [{ ref: 'refs/heads/shared/**', allow: ['create'] }, { ref: 'refs/heads/review/{task}', allow: ['create', 'fast_forward'] }],
      maxPushBytes: 1_048_576,
    });
    expect(policy).toEqual({
      rules: [
        { ref: 'refs/heads/shared/**', allow: ['create'] },
        { ref: 'refs/heads/review/{task}', allow: ['create', 'fast_forward'] },
        { ref: 'refs/heads/agent/{task}/**', allow: ['create', 'fast_forward', 'force', 'delete'] },
      ],
      protectDefaultBranch: true,
      protectUpstreamBranches: true,
      maxPushBytes: 1_048_576,
    });
  });

  it('gives the same namespace rule as the default policy for the default config', () => {
    const policy = pushPolicyFromConfig({ namespace: 'refs/heads/agent/{task}/', rules: [], maxPushBytes: null });
    expect(policy.rules).toEqual(defaultPushPolicy().rules);
    expect(policy.maxPushBytes).toBeNull();
  });

  it('adds the missing slash to a namespace, so task t1 cannot write t10\'s branches', () => {
    const policy = pushPolicyFromConfig({ namespace: 'refs/heads/bots/{task}', rules: [], maxPushBytes: null });
    expect(policy.rules.at(-1)!.ref).toBe('refs/heads/bots/{task}/**');
    expect(decide(update('refs/heads/bots/t10/x', 'create'), t1, policy, ctx)).toMatchObject({ allowed: false });
    expect(decide(update('refs/heads/bots/t1/x', 'create'), t1, policy, ctx)).toMatchObject({ allowed: true });
  });
});
