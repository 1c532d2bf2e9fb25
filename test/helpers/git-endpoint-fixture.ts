// The container-facing git endpoint on a real node:http server (127.0.0.1, port 0), serving gates
// that GitGate synced from local upstreams, with tokens from a real TokenStore, and a git client
// that runs as a container's would: isolated config, the token only in the remote URL it is given.
import { execa } from 'execa';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitGate } from '../../src/index.js';
import { EventBus, type GateEvent } from '../../src/server/events.js';
import { createGitEndpoint, type GateMode, type GitEndpoint, type GitEndpointOptions, hardenGitServer } from '../../src/server/git-endpoint.js';
import { defaultPushPolicy, type PushPolicy } from '../../src/server/policy.js';
import { type TokenCapability, TokenStore } from '../../src/server/tokens.js';
import { allRefs, git, tempDir, Upstream } from './git-fixture.js';

/** One request as the server saw it. */
export interface SeenGitRequest {
  method: string;
  url: string;
  contentEncoding: string | undefined;
  transferEncoding: string | undefined;
  gitProtocol: string | undefined;
  status?: number;
}

/** A served gate: its upstream, its GitGate and what the endpoint is told about it. */
export interface FixtureGate {
  project: string;
  upstream: Upstream;
  gate: GitGate;
  gatePath: string;
  mode: GateMode;
  policy: PushPolicy;
}

export interface EndpointFixture {
  port: number;
  endpoint: GitEndpoint;
  tokens: TokenStore;
  /** The TokenStore's directory (another store on it can mint with a different clock). */
  stateDir: string;
  events: GateEvent[];
  requests: SeenGitRequest[];
  gates: Map<string, FixtureGate>;
  /** Mints a token and returns the secret. */
  mint(project: string, task: string, capability?: TokenCapability, ttlSeconds?: number): Promise<string>;
  /** http://x:TOKEN@127.0.0.1:PORT/<project>.git */
  url(project: string, token: string | null): string;
  close(): Promise<void>;
}

export interface FixtureGateSpec {
  project: string;
  mode?: GateMode;
  policy?: PushPolicy;
  /** Commits on upstream before the first sync (branch → message); main always exists. */
  branches?: string[];
}

/** Starts the endpoint over freshly synced gates. */
export async function startEndpointFixture(specs: FixtureGateSpec[] = [{ project: 'demo' }], options: Partial<Omit<GitEndpointOptions, 'resolveGate' | 'tokens'>> = {}): Promise<EndpointFixture> {
  const root = await tempDir('gate-endpoint-');
  const gates = new Map<string, FixtureGate>();
  for (const spec of specs) {
    const upstream = await Upstream.create(path.join(root, spec.project));
    for (const branch of spec.branches ?? []) await upstream.commit(branch, `${branch} work`);
    await upstream.setHead('main');
    const gatePath = path.join(root, 'gates', `${spec.project}.git`);
    const gate = new GitGate({ scope: spec.project, gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true });
    const result = await gate.sync();
    if (!result.success) throw new Error(`fixture sync of ${spec.project} failed: ${JSON.stringify(result.errors)}`);
    gates.set(spec.project, { project: spec.project, upstream, gate, gatePath, mode: spec.mode ?? 'gatekeeping', policy: spec.policy ?? defaultPushPolicy() });
  }
  const stateDir = path.join(root, 'state');
  const tokens = new TokenStore(stateDir);
  const bus = options.events ?? new EventBus();
  const events: GateEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const endpoint = await createGitEndpoint({
    ...options,
    events: bus,
    hooksParent: options.hooksParent ?? root,
    tokens,
    resolveGate: (project) => {
      const served = gates.get(project);
      return served === undefined ? null : { gatePath: served.gatePath, mode: served.mode, policy: served.policy };
    },
  });
  const requests: SeenGitRequest[] = [];
  const server = http.createServer((req, res) => {
    const seen: SeenGitRequest = {
      method: req.method ?? '', url: req.url ?? '',
      contentEncoding: req.headers['content-encoding'], transferEncoding: req.headers['transfer-encoding'], gitProtocol: req.headers['git-protocol'] as string | undefined,
    };
    requests.push(seen);
    res.once('finish', () => (seen.status = res.statusCode));
    endpoint(req, res);
  });
  hardenGitServer(server, options.limits);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const fixture: EndpointFixture = {
    port, endpoint, tokens, stateDir, events, requests, gates,
    mint: async (project, task, capability = 'write', ttlSeconds = 3600) => (await tokens.mint({ project, task, capability, ttlSeconds })).token,
    url: (project, token) => `http://${token === null ? '' : `x:${token}@`}127.0.0.1:${port}/${project}.git`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await endpoint.close();
      await Promise.all([...gates.values()].map((g) => g.gate.close()));
    },
  };
  afterAll(() => fixture.close());
  return fixture;
}

/** What a client git command did. */
export interface ClientResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

// A container's git: no system or global config, its own HOME, no prompts, pinned identity.
async function clientEnv(): Promise<Record<string, string>> {
  const home = await tempDir('gate-client-home-');
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Agent', GIT_AUTHOR_EMAIL: 'agent@example.test',
    GIT_COMMITTER_NAME: 'Agent', GIT_COMMITTER_EMAIL: 'agent@example.test',
    LC_ALL: 'C',
  };
}

let sharedEnv: Promise<Record<string, string>> | undefined;

/** Runs client git; never throws on a non-zero exit (tests look at the result). */
export async function clientGit(cwd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<ClientResult> {
  sharedEnv ??= clientEnv();
  const result = await execa('git', args, { cwd, env: { ...(await sharedEnv), ...extraEnv }, extendEnv: false, reject: false, stripFinalNewline: false });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Like clientGit, but fails the test with git's stderr when git fails. */
export async function clientGitOk(cwd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
  const result = await clientGit(cwd, args, extraEnv);
  if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed (${result.exitCode}):\n${result.stderr}`);
  return result.stdout.trim();
}

/** Clones `url` into a fresh dir and returns it. */
export async function cloneFrom(url: string, extra: string[] = []): Promise<string> {
  const dir = path.join(await tempDir('gate-clone-'), 'work');
  await clientGitOk(path.dirname(dir), [...extra, 'clone', '-q', url, dir]);
  return dir;
}

/** Commits a new file in a work tree and returns the commit sha. */
export async function commitFile(work: string, name: string, content: string | Buffer = `${name}\n`): Promise<string> {
  await mkdir(path.dirname(path.join(work, name)), { recursive: true });
  await writeFile(path.join(work, name), content);
  await clientGitOk(work, ['add', '--', name]);
  await clientGitOk(work, ['commit', '-q', '-m', `add ${name}`]);
  return clientGitOk(work, ['rev-parse', 'HEAD']);
}

/** True when the gate holds the object (loose or packed, quarantine excluded). */
export async function gateHasObject(gatePath: string, sha: string): Promise<boolean> {
  return git(gatePath, 'cat-file', '-e', sha).then(() => true, () => false);
}

/** The gate's object count (loose + packed), for "nothing landed" checks. */
export async function gateObjectCount(gatePath: string): Promise<number> {
  const out = await git(gatePath, 'count-objects', '-v');
  return Number(/^count: (\d+)$/m.exec(out)?.[1] ?? 0) + Number(/^in-pack: (\d+)$/m.exec(out)?.[1] ?? 0);
}

/** Quarantine directories receive-pack left behind in the gate (there should be none). */
export async function leftoverQuarantines(gatePath: string): Promise<string[]> {
  return (await readdir(path.join(gatePath, 'objects'))).filter((name) => name.includes('incoming'));
}

// The forbidden pushes of THREATS.md "Push policy belongs in two independent layers", run once per
// layer configuration by test/security/push-policy*.test.ts.

/** One push a task must not make. */
export interface ForbiddenPush {
  name: string;
  refspec: string;
  /** Where the pushed commit is made; null for a delete (no new objects). */
  base: string | null;
  rule: string;
}

export const FORBIDDEN_PUSHES: ForbiddenPush[] = [
  { name: 'the default branch', refspec: 'HEAD:refs/heads/main', base: 'origin/main', rule: 'protected-default-branch' },
  { name: 'an upstream-mirrored branch', refspec: 'HEAD:refs/heads/feature', base: 'origin/feature', rule: 'protected-upstream-branch' },
  { name: 'a new branch in another task\'s namespace', refspec: 'HEAD:refs/heads/agent/t2/new', base: 'origin/main', rule: 'no-matching-rule' },
  { name: 'another task\'s branch', refspec: 'HEAD:refs/heads/agent/t2/x', base: 'origin/agent/t2/x', rule: 'no-matching-rule' },
  { name: 'a tag', refspec: 'HEAD:refs/tags/v9', base: 'origin/main', rule: 'no-matching-rule' },
  { name: 'refs/gate/x', refspec: 'HEAD:refs/gate/x', base: 'origin/main', rule: 'gate-namespace' },
  { name: 'git-gate\'s backup namespace', refspec: 'HEAD:refs/gate/backup/main/x', base: 'origin/main', rule: 'gate-namespace' },
  { name: 'an odd name (refs/heads/-x)', refspec: 'HEAD:refs/heads/-x', base: 'origin/main', rule: 'no-matching-rule' },
  { name: 'a branch named HEAD', refspec: 'HEAD:refs/heads/HEAD', base: 'origin/main', rule: 'no-matching-rule' },
  { name: 'a force-push to an upstream branch', refspec: '+HEAD:refs/heads/feature', base: 'origin/main', rule: 'protected-upstream-branch' },
  { name: 'a force-push to another task\'s branch', refspec: '+HEAD:refs/heads/agent/t2/x', base: 'origin/main', rule: 'no-matching-rule' },
  { name: 'a delete of another task\'s branch', refspec: ':refs/heads/agent/t2/x', base: null, rule: 'no-matching-rule' },
  { name: 'a delete of the default branch', refspec: ':refs/heads/main', base: null, rule: 'protected-default-branch' },
];

/** Defines the suite for one enforcement configuration. */
export function forbiddenPushSuite(layers: string, enforcement: NonNullable<GitEndpointOptions['enforcement']>): void {

  describe(`push policy with ${layers}`, async () => {
  const fx = await startEndpointFixture([{ project: 'demo', branches: ['feature'] }], { enforcement });
  const { gatePath } = fx.gates.get('demo')!;
  const t1 = await fx.mint('demo', 't1');
  const t2 = await fx.mint('demo', 't2');
  // t2 owns a branch that t1 then tries to touch.
  const t2work = await cloneFrom(fx.url('demo', t2));
  await commitFile(t2work, 't2.txt');
  await clientGitOk(t2work, ['push', '-q', 'origin', 'HEAD:refs/heads/agent/t2/x']);
  const work = await cloneFrom(fx.url('demo', t1));
  const hookOn = enforcement.preReceiveHook !== false;

  it.each(FORBIDDEN_PUSHES)('refuses $name and keeps none of its objects', async ({ refspec, base, rule }) => {
    const refsBefore = await allRefs(gatePath);
    const objectsBefore = await gateObjectCount(gatePath);
    let pushed: string | null = null;
    if (base !== null) {
      await clientGitOk(work, ['checkout', '-q', '--detach', base]);
      pushed = await commitFile(work, `forbidden-${Math.random().toString(36).slice(2)}.txt`, `${refspec}\n`);
    }
    const eventsBefore = fx.events.length;
    const result = await clientGit(work, ['push', 'origin', refspec]);
    expect(result.exitCode).not.toBe(0);
    expect(await allRefs(gatePath)).toEqual(refsBefore);
    expect(await gateObjectCount(gatePath)).toBe(objectsBefore);
    if (pushed !== null) expect(await gateHasObject(gatePath, pushed)).toBe(false);
    expect(await leftoverQuarantines(gatePath)).toEqual([]);
    // A hidden ref cannot be deleted: git refuses that on the client (it sees no such ref).
    const refusedByClient = /remote ref does not exist/.test(result.stderr);
    expect(refusedByClient && (base !== null || enforcement.hideRefs === false)).toBe(false);
    if (hookOn && !refusedByClient) {
      expect(result.stderr).toContain(`[rule: ${rule}]`);
      expect(result.stderr).toMatch(/remote: git-gate: refused .*\n.*remote: git-gate: {3}push to refs\/heads\/agent\/t1\/<name> instead/);
      const denied = fx.events.slice(eventsBefore).filter((e) => e.type === 'denied').map((e) => e.data);
      expect(denied).toContainEqual(expect.objectContaining({ project: 'demo', rule, task: 't1', ref: refspec.slice(refspec.indexOf(':') + 1) }));
    }
    if (!hookOn && !refusedByClient) expect(result.stderr).toMatch(/deny (updating|deleting) a hidden ref/);
    expect(fx.events.slice(eventsBefore).filter((e) => e.type === 'push')).toEqual([]);
  });

  it('still accepts a push inside the task namespace', async () => {
    await clientGitOk(work, ['checkout', '-q', '--detach', 'origin/main']);
    const sha = await commitFile(work, `allowed-${layers.replace(/\W+/g, '-')}.txt`);
    await clientGitOk(work, ['push', '-q', 'origin', 'HEAD:refs/heads/agent/t1/ok']);
    expect((await allRefs(gatePath)).get('refs/heads/agent/t1/ok')).toBe(sha);
  });
  });
}
