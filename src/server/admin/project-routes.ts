// Read-only project endpoints: the list, one project's state, its plan, pending ops and backups.
import { GateError } from '../../errors/index.js';
import type { DaemonState, ManagedProject } from '../daemon-state.js';
import { sendJson } from './json-io.js';
import type { Route } from './router.js';
import { knownSecretsOf, planView, stalenessView } from './views.js';

/** The project a route names, or GATE_PROJECT_NOT_FOUND (404). */
export function projectOf(state: DaemonState, name: string | undefined): ManagedProject {
  const project = name === undefined ? null : state.project(name);
  if (project === null) throw new GateError('GATE_PROJECT_NOT_FOUND', `the daemon serves no project named ${JSON.stringify(name)}`, { fix: 'List the served projects with GET /v1/projects; a project file added after start-up needs a daemon restart.' });
  return project;
}

/** GET /v1/projects, /v1/projects/{project}, …/plan, …/pending, …/backups. */
export function projectReadRoutes(state: DaemonState): Route[] {
  return [
    {
      method: 'GET', path: '/v1/projects', action: 'projects.list',
      async handler({ res }) {
        const projects = state.projects().map(({ name, config }) => {
          const lastSync = state.lastSync(name);
          return { name, mode: config.mode, lastSync, cacheVersion: lastSync?.cacheVersion ?? null };
        });
        sendJson(res, 200, { projects });
      },
    },
    {
      method: 'GET', path: '/v1/projects/{project}', action: 'projects.get',
      async handler({ res, params, signal }) {
        const project = projectOf(state, params.project);
        const { gate, config, name } = project;
        const known = knownSecretsOf(state.projects());
        // Remoteless gates have nothing to be stale against; the others get one upstream round trip.
        const staleness = config.mode === 'remoteless' ? [] : stalenessView(await gate.staleness({ signal }), known);
        const lastCommit = await gate.lastCommit().catch(() => null);
        sendJson(res, 200, {
          name, mode: config.mode,
          syncAttempted: !state.readiness().waiting.includes(name),
          lastSync: state.lastSync(name),
          staleness,
          lastCommit,
        });
      },
    },
    {
      method: 'GET', path: '/v1/projects/{project}/plan', action: 'projects.plan',
      async handler({ res, params, signal }) {
        const { gate } = projectOf(state, params.project);
        sendJson(res, 200, planView(await gate.plan({ signal }), knownSecretsOf(state.projects())));
      },
    },
    {
      method: 'GET', path: '/v1/projects/{project}/pending', action: 'projects.pending',
      async handler({ res, params }) {
        const { gate } = projectOf(state, params.project);
        sendJson(res, 200, { pending: await gate.pendingOps() });
      },
    },
    {
      method: 'GET', path: '/v1/projects/{project}/backups', action: 'projects.backups',
      async handler({ res, params }) {
        const { gate } = projectOf(state, params.project);
        sendJson(res, 200, { backups: await gate.listBackups() });
      },
    },
  ];
}
