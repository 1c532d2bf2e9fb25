// Project endpoints that change a gate: apply confirmed pending ops, and a manual sync
// (coalesced by the daemon, rate-limited here per project).
import { GateError } from '../../errors/index.js';
import type { DaemonState } from '../daemon-state.js';
import { AdminHttpError } from './errors.js';
import { onlyKeys, sendJson } from './json-io.js';
import { projectOf } from './project-routes.js';
import type { RateLimiter } from './rate-limit.js';
import type { Route } from './router.js';
import { knownSecretsOf, syncResultView } from './views.js';

const MAX_BRANCHES = 1000;

/** Which pending ops an apply request confirms: `{all: true}` or `{branches: [...]}`, not both. */
function applySelection(body: Record<string, unknown>): { all: true } | { branches: string[] } {
  onlyKeys(body, ['branches', 'all']);
  const { branches, all } = body;
  if (all !== undefined && typeof all !== 'boolean') throw new GateError('GATE_INVALID_ARGUMENT', '"all" must be true or false');
  const named = branches !== undefined;
  if (named && (!Array.isArray(branches) || branches.length === 0 || branches.length > MAX_BRANCHES || !branches.every((b) => typeof b === 'string' && b.length > 0 && b.length <= 255))) {
    throw new GateError('GATE_INVALID_ARGUMENT', `"branches" must be a list of 1 to ${MAX_BRANCHES} branch names`);
  }
  if (all === true && named) throw new GateError('GATE_INVALID_ARGUMENT', 'give either "all": true or "branches", not both');
  if (all === true) return { all: true };
  if (!named) throw new GateError('GATE_INVALID_ARGUMENT', 'say which pending ops to apply: {"branches": ["name", …]} or {"all": true}');
  return { branches: [...new Set(branches as string[])] };
}

/** POST /v1/projects/{project}/apply and /sync. */
export function projectActionRoutes(state: DaemonState, syncLimiter: RateLimiter): Route[] {
  return [
    {
      method: 'POST', path: '/v1/projects/{project}/apply', action: 'projects.apply',
      async handler({ res, params, readBody, audit }) {
        const { gate } = projectOf(state, params.project);
        const selection = applySelection(await readBody());
        const pending = await gate.pendingOps();
        let ops = pending;
        if ('branches' in selection) {
          const byBranch = new Map(pending.map((op) => [op.branch, op]));
          const missing = selection.branches.filter((branch) => !byBranch.has(branch));
          if (missing.length > 0) {
            throw new GateError('GATE_PENDING_STALE', `no pending operation for ${missing.slice(0, 5).map((b) => JSON.stringify(b.slice(0, 100))).join(', ')}`, {
              fix: 'List pending ops again (GET …/pending); they may have been applied already or changed with a sync.',
            });
          }
          ops = selection.branches.map((branch) => byBranch.get(branch)!);
        }
        const result = await gate.applyPendingOps(ops);
        audit.detail = { branches: ops.map((op) => op.branch), applied: result.applied.length, refused: result.refused.length };
        sendJson(res, 200, result);
      },
    },
    {
      method: 'POST', path: '/v1/projects/{project}/sync', action: 'projects.sync',
      async handler({ res, params, readBody, signal, audit }) {
        const { name } = projectOf(state, params.project);
        onlyKeys(await readBody(), []);
        const wait = syncLimiter.take(name);
        if (wait > 0) {
          throw new AdminHttpError(429, 'GATE_RATE_LIMITED', `too many manual syncs of ${name}; try again in ${wait} s`, { 'Retry-After': String(wait) });
        }
        const result = await state.sync(name, 'api', signal);
        audit.detail = { success: result.success, applied: result.applied.length, pending: result.pending.length };
        sendJson(res, 200, syncResultView(result, knownSecretsOf(state.projects())));
      },
    },
  ];
}
