// `gate serve` end to end, as the README tells an operator to run it: the built CLI creates the
// project and mints the tokens, the daemon listens on the Docker bridge address (port 0, the
// chosen port read from its --json line), and a client container holding only a URL with its
// token clones, pushes its task branch (accepted), pushes the default branch (refused, with the
// rule shown by git), and loses access when the token is revoked. The admin API is driven over
// its unix socket: readiness, a manual sync, the event stream, metrics. SIGTERM ends it cleanly.
// Skipped, with the reason printed, where Docker cannot run.
import { execa } from 'execa';
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeGatewayAddress, ClientContainer } from '../helpers/container-client.js';
import { containersUnavailable } from '../helpers/containers.js';
import { git, headsOf, tempDir, Upstream } from '../helpers/git-fixture.js';
import { adminRequest, type EventSubscription, type ServeProcess, startServe, subscribeEvents, waitUntilReady } from '../helpers/serve-process.js';

const unavailable = await containersUnavailable();
if (unavailable !== undefined) console.warn(`skipped: container gate serve suite: ${unavailable}`);

const BIN = fileURLToPath(new URL('../../bin/gate.js', import.meta.url));
const TASK_BRANCH = 'refs/heads/agent/t42/fix';
// Commits in the client: identity given per exec, so the container's own environment stays bare.
const AGENT_IDENTITY = { GIT_AUTHOR_NAME: 'Agent', GIT_AUTHOR_EMAIL: 'agent@example.test', GIT_COMMITTER_NAME: 'Agent', GIT_COMMITTER_EMAIL: 'agent@example.test' };
const HOST_GIT_ENV = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' };

describe.skipIf(unavailable !== undefined)('gate serve on the Docker bridge, used by a credential-less container', () => {
  let base: string;
  let root: string;
  let gatePath: string;
  let upstream: Upstream;
  let bridge: string;
  let daemon: ServeProcess | undefined;
  let events: EventSubscription | undefined;
  let client: ClientContainer | undefined;
  let placeholder: ClientContainer | undefined;
  let gitAddress: string;
  let writeToken: string;
  let writeTokenId: string;
  let mintOutput: { stdout: string; stderr: string };
  let readToken: string;
  let taskTip: string;

  // The built CLI against this state root, with a bare environment.
  const gate = async (...args: string[]) => {
    const run = await execa('node', [BIN, '--home', root, ...args], { env: { PATH: HOST_GIT_ENV.PATH, HOME: base, NO_COLOR: '1' }, extendEnv: false, reject: false, stdin: 'ignore' });
    return { code: run.exitCode ?? -1, stdout: String(run.stdout), stderr: String(run.stderr) };
  };
  const inClient = (script: string, env: Record<string, string> = {}) => client!.sh(script, { ...AGENT_IDENTITY, ...env });
  // A ref of the gate as the host sees it (empty when it does not exist).
  const gateRef = async (ref: string) => (await execa('git', ['--git-dir', gatePath, 'rev-parse', '--verify', '-q', ref], { env: HOST_GIT_ENV, extendEnv: false, reject: false })).stdout.trim();
  const clientUrl = (token: string) => `http://t42:${token}@${gitAddress}/demo.git`;

  beforeAll(async () => {
    await execa('npm', ['run', 'build', '--silent'], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });

    // 1. An upstream with main (its default branch) and feature, and the project made by the CLI.
    base = await tempDir('gate-serve-container-');
    upstream = await Upstream.create(base);
    await upstream.commit('feature', 'feature work');
    await git(upstream.dir, 'checkout', '-q', 'main'); // commit('feature') leaves HEAD on feature
    root = path.join(base, 'state');
    gatePath = path.join(root, 'gates', 'demo.git');
    const init = await gate('init', 'demo', '--upstream', upstream.dir, '--allow-local');
    expect(init.code, init.stderr).toBe(0);

    // 2. The daemon on the bridge address, the only host address a container can reach. Node
    // lists docker0 only while it has carrier, i.e. while some container runs: hold one up until
    // the client runs (the daemon's bound socket outlives a carrier drop).
    placeholder = await ClientContainer.start({});
    bridge = await bridgeGatewayAddress();
    await writeFile(path.join(root, 'config.yaml'), `serve:\n  git_listen: ["${bridge}:0"]\n  allow_non_loopback: true\n`);
    daemon = await startServe(root);
    gitAddress = daemon.git[0]!;
    expect(await waitUntilReady(daemon.adminSocket), daemon.stderr()).toBe(200);
    // Subscribed before anything is pushed, so the push event cannot be missed.
    events = await subscribeEvents(daemon.adminSocket, '/v1/events?project=demo');

    // 3. Tokens, minted as an operator would: `TOKEN=$(gate token mint …)`.
    const write = await gate('token', 'mint', 'demo', '--task', 't42', '--capability', 'write');
    expect(write.code, write.stderr).toBe(0);
    writeToken = write.stdout.trim();
    mintOutput = write;
    writeTokenId = /minted (tok_[A-Za-z0-9_-]{12}) /.exec(write.stderr)?.[1] ?? '';
    const read = await gate('token', 'mint', 'demo', '--task', 't42', '--capability', 'read');
    expect(read.code, read.stderr).toBe(0);
    readToken = read.stdout.trim();

    // 4. The client: its whole configuration is one URL.
    client = await ClientContainer.start({ GATE_URL: clientUrl(writeToken) });
    await placeholder.stop();
    placeholder = undefined;
  }, 180_000);

  afterAll(async () => {
    events?.close();
    await client?.stop().catch(() => undefined);
    await placeholder?.stop().catch(() => undefined);
    if (daemon !== undefined && daemon.child.exitCode === null && daemon.child.signalCode === null) {
      daemon.child.kill('SIGKILL');
      await daemon.exit;
    }
  }, 60_000);

  it('prints the chosen port on the bridge address and a private admin socket, and becomes ready', async () => {
    expect(daemon!.started).toMatchObject({ schemaVersion: 1, command: 'serve', projects: ['demo'], skipped: [] });
    expect(daemon!.git).toHaveLength(1);
    expect(gitAddress).toMatch(new RegExp(`^${bridge.replaceAll('.', '\\.')}:[1-9]\\d*$`));
    expect(daemon!.adminSocket).toBe(path.join(root, 'run', 'admin.sock'));
    expect(statSync(daemon!.adminSocket).isSocket()).toBe(true);
    expect(statSync(daemon!.adminSocket).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(daemon!.adminSocket)).mode & 0o777).toBe(0o700);
    expect(JSON.parse((await adminRequest(daemon!.adminSocket, 'GET', '/readyz')).body)).toEqual({ ready: true });
    // The startup sync made the gate from upstream.
    expect(await headsOf(gatePath)).toEqual(await headsOf(upstream.dir));
    expect(events!.status).toBe(200);
    expect(events!.contentType).toMatch(/^text\/event-stream/);
  });

  it('mints tokens with the token alone on stdout, listed by id and never shown again', async () => {
    expect(mintOutput.stdout).toMatch(/^ggt_\S+$/); // one line, the token alone
    expect(mintOutput.stderr).toContain(`minted ${writeTokenId} for demo, task t42 (write`);
    expect(mintOutput.stderr).not.toContain(writeToken);
    expect(writeToken).toMatch(/^ggt_\S+$/);
    expect(readToken).toMatch(/^ggt_\S+$/);
    expect(writeToken).not.toBe(readToken);
    expect(writeTokenId).toMatch(/^tok_/);
    const list = await gate('token', 'list', 'demo', '--json');
    expect(list.code, list.stderr).toBe(0);
    const { tokens } = JSON.parse(list.stdout) as { tokens: Array<Record<string, unknown>> };
    expect(tokens).toContainEqual(expect.objectContaining({ id: writeTokenId, project: 'demo', task: 't42', capability: 'write', status: 'active' }));
    expect(tokens).toContainEqual(expect.objectContaining({ project: 'demo', task: 't42', capability: 'read', status: 'active' }));
    expect(list.stdout).not.toContain(writeToken);
    expect(list.stdout).not.toContain(readToken);
  });

  it('clones through the daemon with nothing but the URL in its environment', async () => {
    const env = await client!.sh('env');
    expect(env.stdout.split('\n').map((line) => line.split('=')[0]).sort()).toEqual(['GATE_URL', 'HOME', 'HOSTNAME', 'PATH', 'PWD']);

    const clone = await inClient('git clone -q "$GATE_URL" /work/demo');
    expect(clone.exitCode, clone.stderr).toBe(0);
    const seen = await inClient('git -C /work/demo for-each-ref --format="%(refname:strip=3) %(objectname)" refs/remotes/origin/');
    const branches = new Map(seen.stdout.split('\n').map((line) => line.split(' ') as [string, string]).filter(([name]) => name !== 'HEAD'));
    expect(branches).toEqual(await headsOf(upstream.dir));
    expect((await inClient('git -C /work/demo rev-parse --abbrev-ref HEAD')).stdout).toBe('main');
  });

  it('pushes its task branch: accepted, in the gate, and announced as a push event', async () => {
    const work = await inClient('cd /work/demo && echo fix > fix.txt && git add fix.txt && git commit -q -m "agent fix" && git rev-parse HEAD');
    expect(work.exitCode, work.stderr).toBe(0);
    taskTip = work.stdout;
    const push = await inClient(`cd /work/demo && git push origin HEAD:${TASK_BRANCH}`);
    expect(push.exitCode, push.stderr).toBe(0);
    expect(push.stderr).toContain('* [new branch]      HEAD -> agent/t42/fix');
    expect(await gateRef(TASK_BRANCH)).toBe(taskTip);

    const event = await events!.waitFor((e) => e.type === 'push' && e.data['ref'] === TASK_BRANCH, 5_000);
    expect(event, `events seen: ${JSON.stringify(events!.events)}`).toBeDefined();
    expect(event!.data).toMatchObject({ project: 'demo', ref: TASK_BRANCH, oldSha: '0'.repeat(40), newSha: taskTip, operation: 'create', task: 't42', tokenId: writeTokenId });
    expect(events!.events.filter((e) => e.type === 'push')).toHaveLength(1);
    expect(JSON.stringify(event)).not.toContain(writeToken);
  });

  it('is refused on the default branch, with the rule and the accepted namespace shown by git', async () => {
    const mainBefore = await gateRef('refs/heads/main');
    const work = await inClient('cd /work/demo && echo sneaky > sneaky.txt && git add sneaky.txt && git commit -q -m "straight to main" && git rev-parse HEAD');
    expect(work.exitCode, work.stderr).toBe(0);
    const push = await inClient('cd /work/demo && git push origin HEAD:main');
    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toContain('[remote rejected] HEAD -> main');
    expect(push.stderr).toMatch(/remote: git-gate: refused refs\/heads\/main .*\[rule: protected-default-branch\]/);
    expect(push.stderr).toContain('remote: git-gate:   push to refs/heads/agent/t42/<name> instead');
    expect(await gateRef('refs/heads/main')).toBe(mainBefore);
    const cat = await execa('git', ['--git-dir', gatePath, 'cat-file', '-e', work.stdout], { env: HOST_GIT_ENV, extendEnv: false, reject: false });
    expect(cat.exitCode, 'the refused commit is in the gate').not.toBe(0);
    // Put the container's main back on the gate's history for the later fetches.
    expect((await inClient('cd /work/demo && git reset -q --hard origin/main')).exitCode).toBe(0);
  });

  it('cannot push with a read token, which still fetches', async () => {
    const readUrl = { GATE_READ_URL: clientUrl(readToken) };
    const push = await inClient('cd /work/demo && git push "$GATE_READ_URL" HEAD:refs/heads/agent/t42/read-only', readUrl);
    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toContain('remote: git-gate: this token is read-only: ask for a write token to push');
    expect(await gateRef('refs/heads/agent/t42/read-only')).toBe('');
    const listed = await inClient('git ls-remote "$GATE_READ_URL" refs/heads/main', readUrl);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('refs/heads/main');
  });

  it('sees an upstream commit after a manual sync through the admin API', async () => {
    const upstreamTip = await upstream.commit('main', 'upstream moves on');
    const before = await inClient('cd /work/demo && git fetch -q origin && git rev-parse refs/remotes/origin/main');
    expect(before.stdout).not.toBe(upstreamTip); // nothing syncs on its own (no sync.interval)

    const sync = await adminRequest(daemon!.adminSocket, 'POST', '/v1/projects/demo/sync', {});
    expect(sync.status, sync.body).toBe(200);
    const result = JSON.parse(sync.body) as { success: boolean; applied: Array<{ kind: string; branch: string; newSha: string }>; errors: unknown[] };
    expect(result.errors).toEqual([]);
    expect(result.success).toBe(true);
    expect(result.applied).toEqual([expect.objectContaining({ kind: 'fast_forward', branch: 'main', newSha: upstreamTip })]);

    const after = await inClient('cd /work/demo && git fetch -q origin && git rev-parse refs/remotes/origin/main refs/remotes/origin/agent/t42/fix');
    expect(after.exitCode, after.stderr).toBe(0);
    expect(after.stdout.split('\n')).toEqual([upstreamTip, taskTip]);
    expect(await events!.waitFor((e) => e.type === 'sync.finished' && e.data['trigger'] !== 'startup', 5_000)).toMatchObject({ data: { project: 'demo', success: true } });
  });

  it('counts the push, the denials and the syncs in /metrics', async () => {
    const metrics = await adminRequest(daemon!.adminSocket, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    const value = (pattern: RegExp) => Number(pattern.exec(metrics.body)?.[1] ?? 'NaN');
    expect(value(/^gate_pushes_total\{project="demo",operation="create"\} (\d+)$/m)).toBeGreaterThan(0);
    expect(value(/^gate_push_denials_total\{project="demo",rule="protected-default-branch"\} (\d+)$/m)).toBeGreaterThan(0);
    expect(value(/^gate_syncs_total\{project="demo",trigger="startup",outcome="success",failure_class="none"\} (\d+)$/m)).toBe(1);
  });

  it('refuses a revoked token from its next request, and only that token', async () => {
    const revoke = await gate('token', 'revoke', writeTokenId);
    expect(revoke.code, revoke.stderr).toBe(0);
    const fetch = await inClient('cd /work/demo && git fetch origin');
    expect(fetch.exitCode).not.toBe(0);
    expect(fetch.stderr).toMatch(/Authentication failed/);
    expect(fetch.stderr).not.toContain(writeToken);
    // The read token of the same task is untouched.
    const listed = await inClient('git ls-remote "$GATE_READ_URL" refs/heads/main', { GATE_READ_URL: clientUrl(readToken) });
    expect(listed.exitCode, listed.stderr).toBe(0);
  });

  it('keeps every token out of its log', () => {
    const log = daemon!.stderr() + daemon!.stdout();
    expect(log).toContain('"audit":"push"');
    expect(log).not.toContain(writeToken);
    expect(log).not.toContain(readToken);
  });

  it('stops on SIGTERM with exit 0 within seconds, ending the event stream and removing the admin socket', async () => {
    const started = Date.now();
    daemon!.child.kill('SIGTERM');
    const exited = await Promise.race([daemon!.exit, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000))]);
    expect(exited, daemon!.stderr()).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5_000);
    // The open event stream did not hold it up: the daemon ended it.
    expect(await Promise.race([events!.ended.then(() => 'ended'), new Promise((resolve) => setTimeout(() => resolve('still open'), 1_000))])).toBe('ended');
    expect(existsSync(daemon!.adminSocket)).toBe(false);
    expect(daemon!.stderr()).toMatch(/"msg":"daemon stopped"/);
    // The git listener is gone too.
    const probe = await inClient('git ls-remote "$GATE_URL" 2>&1; true');
    expect(probe.stdout).toMatch(/Failed to connect|Connection refused|Could not connect/);
  });
});
