// What each service is told on its command line, above all the first enforcement layer:
// receive-pack's own `receive.hideRefs`. git refuses to update a hidden ref ("deny updating a
// hidden ref", checked before any hook runs, and the pushed objects are dropped with the
// quarantine when no update is left), so hiding every ref the token may not write stops those
// pushes even if the pre-receive hook never ran.
import { GATE_NAMESPACE, patternFor, type PolicyContext, type PushIdentity, type PushPolicy } from './policy.js';

/** upload-pack never advertises git-gate's namespace, nor serves an object by id that no advertised ref reaches (v0). */
export const UPLOAD_PACK_CONFIG: readonly string[] = [
  `uploadpack.hideRefs=${GATE_NAMESPACE}`, 'uploadpack.allowAnySHA1InWant=false', 'uploadpack.allowTipSHA1InWant=false', 'uploadpack.allowReachableSHA1InWant=false',
];

// receive-pack: fsck every object, no push options, no side effects beyond the ref updates.
const RECEIVE_PACK_BASE: readonly string[] = [
  'receive.advertisePushOptions=false', 'receive.fsckObjects=true', 'receive.denyDeletes=false', 'receive.denyNonFastForwards=false',
  'receive.autogc=false', 'receive.updateServerInfo=false', 'receive.shallowUpdate=false', 'receive.advertiseAtomic=true',
];

/**
 * receive-pack's `-c` pairs for one token: the base settings, the size cap, the hidden refs (when
 * `hideRefsFor` gives the gate's context; null turns the layer off) and the hook directory (null
 * turns the pre-receive layer off).
 */
export function receivePackConfig(identity: PushIdentity, policy: PushPolicy, options: { maxPushBytes: number; hideRefsFor: PolicyContext | null; hooksDir: string | null }): string[] {
  const config = [...RECEIVE_PACK_BASE, `receive.maxInputSize=${options.maxPushBytes}`];
  const ctx = options.hideRefsFor;
  if (ctx !== null) {
    const protectedBranches = [
      ...(policy.protectDefaultBranch && ctx.defaultBranch !== null ? [ctx.defaultBranch] : []),
      ...(policy.protectUpstreamBranches ? ctx.upstreamBranches : []),
    ];
    config.push(...receiveHideRefs(identity, policy, protectedBranches));
  }
  if (options.hooksDir !== null) config.push(`core.hooksPath=${options.hooksDir}`);
  return config;
}

/**
 * `-c receive.hideRefs=…` values for one token. git matches hideRefs as whole path components
 * (`refs/heads/a` hides `refs/heads/a` and `refs/heads/a/…`, not `refs/heads/ab`), last entry
 * wins, `!` un-hides. So: hide everything, un-hide the component-aligned prefix of each rule the
 * token could use, then hide git-gate's namespace again. A rule like `refs/heads/feature-*`
 * un-hides its whole directory (`refs/heads`): this layer is then coarser than the policy and the
 * hook alone decides within it. Protected branches inside an un-hidden prefix are hidden again.
 */
export function receiveHideRefs(identity: PushIdentity, policy: PushPolicy, protectedBranches: readonly string[]): string[] {
  const values = ['receive.hideRefs=refs'];
  if (identity.capability === 'write') {
    const visible: string[] = [];
    for (const rule of policy.rules) {
      if (rule.allow.length === 0) continue;
      const prefix = literalPrefix(patternFor(rule, identity.task));
      if (prefix !== null) visible.push(prefix);
    }
    for (const prefix of visible) values.push(`receive.hideRefs=!${prefix}`);
    const under = (ref: string) => visible.some((prefix) => ref === prefix || ref.startsWith(`${prefix}/`));
    for (const branch of protectedBranches) {
      if (under(`refs/heads/${branch}`)) values.push(`receive.hideRefs=refs/heads/${branch}`);
    }
  }
  values.push(`receive.hideRefs=${GATE_NAMESPACE}`);
  return values;
}

// The longest run of whole components before the first glob: `refs/heads/agent/t1/**` →
// `refs/heads/agent/t1`; `refs/heads/x-*` → `refs/heads`; a pattern without glob is itself.
function literalPrefix(pattern: string): string | null {
  const glob = pattern.indexOf('*');
  const literal = glob === -1 ? pattern : pattern.slice(0, pattern.lastIndexOf('/', glob));
  const trimmed = literal.replace(/\/+$/, '');
  return trimmed.startsWith('refs/') || trimmed === 'refs' ? trimmed : null;
}
