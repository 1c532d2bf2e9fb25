// A real DaemonState for admin-API tests: real GitGates on local upstreams in a temp dir, a real
// TokenStore and EventBus, and a sync that coalesces per project exactly as the contract says
// (at most one running and one queued; every caller gets a sync that started after its call),
// publishing sync.started / sync.finished / pending like the daemon does.
import path from 'node:path';
import type { ProjectConfig, ProjectMode } from '../../src/config/index.js';
import { Coalescer } from '../../src/gate/coalesce.js';
import { GitGate, type GateSyncResult, type GitGateOptions } from '../../src/gate/index.js';
import type { DaemonState, ManagedProject, SyncSummary, SyncTrigger } from '../../src/server/daemon-state.js';
import { EventBus } from '../../src/server/events.js';
import { TokenStore } from '../../src/server/tokens.js';
import { tempDir, Upstream } from './git-fixture.js';

/** One project of the fixture: an upstream repository unless remoteless. */
export interface FixtureProjectSpec {
  name: string;
  mode?: ProjectMode;
  /** Extra GitGate options (e.g. a transport, or an https upstream URL). */
  gate?: Partial<GitGateOptions>;
}

/** The fixture: the state plus what tests look at. */
export interface DaemonStateFixture {
  root: string;
  state: DaemonState;
  upstreams: Map<string, Upstream>;
  /** Number of syncs that really ran (not callers that joined one), per project. */
  syncRuns: Map<string, number>;
  /** The result of every sync that really ran, in order. */
  syncResults: GateSyncResult[];
  close(): Promise<void>;
}

function configFor(name: string, mode: ProjectMode, gate: GitGate): ProjectConfig {
  return {
    name, file: path.join(path.dirname(gate.gatePath), `${name}.yaml`), mode,
    upstream: gate.upstreamUrl === null ? null : { url: gate.upstreamUrl, defaultBranch: null, allowLocal: true },
    ssh: { usePersonal: null, hostKeys: [] },
    gate: { path: gate.gatePath, backups: { enabled: null, retentionDays: null } },
    cache: { enabled: null },
    sync: { intervalMs: null, branches: [] },
    policy: { namespace: 'agent', rules: [], maxPushBytes: null },
  };
}

/** Builds a DaemonState over fresh gates (none synced yet). */
export async function daemonStateFixture(specs: readonly FixtureProjectSpec[]): Promise<DaemonStateFixture> {
  const root = await tempDir('gate-daemon-');
  const events = new EventBus();
  const tokens = new TokenStore(path.join(root, 'state'));
  const upstreams = new Map<string, Upstream>();
  const projects = new Map<string, ManagedProject>();
  for (const spec of specs) {
    const mode = spec.mode ?? 'gatekeeping';
    let upstreamUrl: string | undefined;
    if (mode !== 'remoteless' && spec.gate?.upstreamUrl === undefined) {
      const upstream = await Upstream.create(path.join(root, 'upstreams', spec.name));
      upstreams.set(spec.name, upstream);
      upstreamUrl = upstream.dir;
    }
    const gate = new GitGate({
      scope: spec.name, gatePath: path.join(root, 'state', 'gates', `${spec.name}.git`), allowLocalUpstream: true,
      cloneCacheBase: path.join(root, 'state', 'cache'), stateRoot: path.join(root, 'state'),
      ...(upstreamUrl !== undefined ? { upstreamUrl } : {}), ...spec.gate,
    });
    projects.set(spec.name, { name: spec.name, config: configFor(spec.name, mode, gate), gate });
  }

  const summaries = new Map<string, SyncSummary>();
  const attempted = new Set<string>([...projects.values()].filter((p) => p.config.mode === 'remoteless').map((p) => p.name));
  const syncRuns = new Map<string, number>();
  const syncResults: GateSyncResult[] = [];
  const coalescer = new Coalescer<GateSyncResult>();

  const runSync = async (project: ManagedProject, trigger: SyncTrigger): Promise<GateSyncResult> => {
    syncRuns.set(project.name, (syncRuns.get(project.name) ?? 0) + 1);
    events.publish('sync.started', { project: project.name, trigger });
    const result = await project.gate.sync();
    syncResults.push(result);
    attempted.add(project.name);
    const firstError = result.errors[0];
    const summary: SyncSummary = {
      finishedAt: new Date().toISOString(), trigger, success: result.success,
      errorCode: firstError?.code ?? null, failureClass: firstError?.failureClass ?? null, durationMs: result.durationMs,
      applied: result.applied.length, pending: result.pending.length, gateOnly: result.gateOnlyBranches.length,
      cacheVersion: result.cache.version === null ? null : String(result.cache.version),
    };
    summaries.set(project.name, summary);
    const { finishedAt: _finishedAt, cacheVersion: _cacheVersion, ...finished } = summary;
    events.publish('sync.finished', { project: project.name, ...finished });
    if (result.pending.length > 0) events.publish('pending', { project: project.name, branches: result.pending.map((op) => op.branch) });
    return result;
  };

  const state: DaemonState = {
    projects: () => [...projects.values()],
    project: (name) => projects.get(name) ?? null,
    sync(name, trigger, signal) {
      const project = projects.get(name);
      if (project === undefined) return Promise.reject(new Error(`no project ${name}`));
      return coalescer.run(name, () => runSync(project, trigger), signal);
    },
    lastSync: (name) => summaries.get(name) ?? null,
    readiness() {
      const waiting = [...projects.keys()].filter((name) => !attempted.has(name));
      return { ready: waiting.length === 0, waiting };
    },
    tokens,
    events,
  };
  return {
    root, state, upstreams, syncRuns, syncResults,
    async close() {
      await Promise.all([...projects.values()].map((p) => p.gate.close()));
    },
  };
}
