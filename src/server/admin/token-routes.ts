// Container tokens through the admin API: mint (the secret is in this one answer only), list
// (never the secret), revoke.
import { GateError } from '../../errors/index.js';
import type { DaemonState } from '../daemon-state.js';
import { assertMintable, type TokenCapability } from '../tokens.js';
import { onlyKeys, sendJson } from './json-io.js';
import { projectOf } from './project-routes.js';
import type { Route } from './router.js';

const DEFAULT_TTL_SECONDS = 24 * 3600;

function mintRequest(body: Record<string, unknown>): { task: string; capability: TokenCapability; ttlSeconds: number } {
  onlyKeys(body, ['task', 'capability', 'ttl_seconds']);
  const { task, capability = 'read', ttl_seconds: ttlSeconds = DEFAULT_TTL_SECONDS } = body;
  if (typeof task !== 'string') throw new GateError('GATE_INVALID_ARGUMENT', '"task" is required: the task the token is for, e.g. "t42"');
  if (capability !== 'read' && capability !== 'write') throw new GateError('GATE_INVALID_ARGUMENT', '"capability" must be "read" or "write"');
  if (typeof ttlSeconds !== 'number') throw new GateError('GATE_INVALID_ARGUMENT', '"ttl_seconds" must be a number of seconds');
  return { task, capability, ttlSeconds };
}

/** POST/GET /v1/projects/{project}/tokens and DELETE /v1/tokens/{token}. */
export function tokenRoutes(state: DaemonState): Route[] {
  return [
    {
      method: 'POST', path: '/v1/projects/{project}/tokens', action: 'tokens.mint',
      async handler({ res, params, readBody, audit }) {
        const project = projectOf(state, params.project);
        const request = mintRequest(await readBody());
        assertMintable({ name: project.name, mode: project.config.mode }, request.capability);
        const minted = await state.tokens.mint({ project: project.name, ...request });
        audit.detail = { tokenId: minted.id, task: request.task, capability: request.capability, expiresAt: minted.expiresAt };
        sendJson(res, 201, { id: minted.id, token: minted.token, project: project.name, task: request.task, capability: request.capability, expiresAt: minted.expiresAt });
      },
    },
    {
      method: 'GET', path: '/v1/projects/{project}/tokens', action: 'tokens.list',
      async handler({ res, params }) {
        const project = projectOf(state, params.project);
        sendJson(res, 200, { tokens: await state.tokens.list(project.name) });
      },
    },
    {
      method: 'DELETE', path: '/v1/tokens/{token}', action: 'tokens.revoke',
      async handler({ res, params, audit }) {
        const id = params.token!;
        audit.detail = { tokenId: id };
        if (!(await state.tokens.revoke(id))) throw new GateError('GATE_TOKEN_NOT_FOUND', `no token has the id ${id}`);
        sendJson(res, 200, { id, revoked: true });
      },
    },
  ];
}
