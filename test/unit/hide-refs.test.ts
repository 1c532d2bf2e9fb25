import { describe, expect, it } from 'vitest';
import { receiveHideRefs, receivePackConfig, UPLOAD_PACK_CONFIG } from '../../src/server/hide-refs.js';
import { defaultPushPolicy, pushPolicyFromConfig } from '../../src/server/policy.js';

const write = { tokenId: 'tok_1', task: 't1', capability: 'write' as const };

describe('receiveHideRefs', () => {
  it('hides everything but the task namespace, and refs/gate last', () => {
    expect(receiveHideRefs(write, defaultPushPolicy(), ['main', 'feature'])).toEqual([
      'receive.hideRefs=refs',
      'receive.hideRefs=!refs/heads/agent/t1',
      'receive.hideRefs=refs/gate',
    ]);
  });

  it('hides everything from a read token', () => {
    expect(receiveHideRefs({ ...write, capability: 'read' }, defaultPushPolicy(), [])).toEqual(['receive.hideRefs=refs', 'receive.hideRefs=refs/gate']);
  });

  it('un-hides the whole directory of a glob rule and hides protected branches inside it again', () => {
    const policy = pushPolicyFromConfig({ namespace: 'refs/heads/agent/{task}/', rules: [{ ref: 'refs/heads/feature-*', allow: ['create'] }], maxPushBytes: null });
    expect(receiveHideRefs(write, policy, ['main', 'feature-old', 'agent/t1/pinned'])).toEqual([
      'receive.hideRefs=refs',
      'receive.hideRefs=!refs/heads',
      'receive.hideRefs=!refs/heads/agent/t1',
      'receive.hideRefs=refs/heads/main',
      'receive.hideRefs=refs/heads/feature-old',
      'receive.hideRefs=refs/heads/agent/t1/pinned',
      'receive.hideRefs=refs/gate',
    ]);
  });

  it('never un-hides refs/gate, even for a rule over all refs', () => {
    const policy = { rules: [{ ref: 'refs/**', allow: ['create' as const] }], protectDefaultBranch: false, protectUpstreamBranches: false };
    expect(receiveHideRefs(write, policy, []).at(-1)).toBe('receive.hideRefs=refs/gate');
  });

  it('fills {task} so one task\'s rule never un-hides another\'s namespace', () => {
    const values = receiveHideRefs({ ...write, task: 't2' }, defaultPushPolicy(), []);
    expect(values).toContain('receive.hideRefs=!refs/heads/agent/t2');
    expect(values.join('\n')).not.toContain('t1');
  });
});

describe('receivePackConfig', () => {
  const ctx = { defaultBranch: 'main', upstreamBranches: new Set(['main', 'agent/t1/mirrored']) };

  it('always fscks, refuses push options and caps the push size', () => {
    const config = receivePackConfig(write, defaultPushPolicy(), { maxPushBytes: 1234, hideRefsFor: null, hooksDir: null });
    expect(config).toEqual(expect.arrayContaining(['receive.fsckObjects=true', 'receive.advertisePushOptions=false', 'receive.maxInputSize=1234', 'receive.shallowUpdate=false']));
    expect(config.filter((c) => c.startsWith('receive.hideRefs') || c.startsWith('core.hooksPath'))).toEqual([]);
  });

  it('adds the hidden refs for the gate\'s protected branches and the hook directory when both layers are on', () => {
    const config = receivePackConfig(write, defaultPushPolicy(), { maxPushBytes: 1, hideRefsFor: ctx, hooksDir: '/private/hooks' });
    expect(config.filter((c) => c.startsWith('receive.hideRefs'))).toEqual([
      'receive.hideRefs=refs', 'receive.hideRefs=!refs/heads/agent/t1', 'receive.hideRefs=refs/heads/agent/t1/mirrored', 'receive.hideRefs=refs/gate',
    ]);
    expect(config.at(-1)).toBe('core.hooksPath=/private/hooks');
  });

  it('keeps refs/gate out of upload-pack\'s advertisement', () => {
    expect(UPLOAD_PACK_CONFIG).toContain('uploadpack.hideRefs=refs/gate');
  });
});
