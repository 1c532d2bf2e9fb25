// End to end, as an orchestrator embedding the library would run it: a gate synced from an SSH
// git host in a container (vault key, pinned host key), served by the git endpoint on the Docker
// bridge address, and a client container that holds no credential and only the gate's URL. The
// client clones, pushes its task branch (accepted) and the default branch (refused, with the rule
// and what would be accepted shown by git), while the host syncs the gate from upstream. Skipped,
// with the reason printed, where Docker cannot run.
import { execa } from 'execa';
import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, GitGate } from '../../src/index.js';
import { createGitEndpoint, defaultPushPolicy, hardenGitServer, TokenStore, type GitEndpoint } from '../../src/server/index.js';
import { sshInit, trustHost } from '../../src/ssh/index.js';
import { ClientContainer, bridgeGatewayAddress } from '../helpers/container-client.js';
import { containersUnavailable, SSHD_GIT_CONTEXT, SSHD_GIT_IMAGE, testcontainers } from '../helpers/containers.js';
import { allRefs, git, headsOf, tempDir, Upstream } from '../helpers/git-fixture.js';

const unavailable = await containersUnavailable();
if (unavailable !== undefined) console.warn(`skipped: container gate endpoint suite: ${unavailable}`);

const TASK_BRANCH = 'refs/heads/agent/t42/fix';
// Commits in the client: identity given per exec, so the container's own environment stays bare.
const AGENT_IDENTITY = { GIT_AUTHOR_NAME: 'Agent', GIT_AUTHOR_EMAIL: 'agent@example.test', GIT_COMMITTER_NAME: 'Agent', GIT_COMMITTER_EMAIL: 'agent@example.test' };

describe.skipIf(unavailable !== undefined)('a credential-less container working through a gate served on the Docker bridge', () => {
  let upstreamHost: StartedTestContainer | undefined;
  let client: ClientContainer | undefined;
  let server: http.Server | undefined;
  let endpoint: GitEndpoint | undefined;
  let gate: GitGate | undefined;
  let gatePath: string;
  let upstreamBare: string;
  let publicKey: string;
  let writeToken: string;
  let readToken: string;
  let taskTip: string;
  const logLines: string[] = [];

  // One script in the client, with the agent's commit identity.
  const inClient = (script: string) => client!.sh(script, AGENT_IDENTITY);

  // A push git printed this for was declined by the relay, not by the policy: say so, since the
  // failing assertion alone would read as a policy bug.
  const explainPush = (stderr: string): string => stderr.includes('the push policy check gave no answer')
    ? `the pre-receive relay got no answer from the daemon's policy socket (PushGuard), so every push is declined whatever the policy says:\n${stderr}`
    : stderr;

  // A commit on the SSH host's repository, made there (as its git user), as another developer's push would land.
  const upstreamCommit = async (message: string): Promise<string> => {
    const script = `set -e; rm -rf /tmp/w; git clone -q /srv/repo.git /tmp/w; cd /tmp/w; echo "${message}" > upstream-change.txt; git add -A; `
      + `git -c user.name=Upstream -c user.email=upstream@example.test commit -q -m "${message}"; git push -q origin HEAD:main; git rev-parse HEAD`;
    const result = await upstreamHost!.exec(['sh', '-c', script], { user: 'git' });
    expect(result.exitCode, result.output).toBe(0);
    return result.stdout.trim().split('\n').at(-1)!;
  };

  beforeAll(async () => {
    // 1. The SSH upstream: a git host in a container that accepts only the scope's vault key.
    const upstream = await Upstream.create();
    await upstream.commit('feature', 'feature work');
    await git(upstream.dir, 'checkout', '-q', 'main'); // main is the upstream's default branch
    upstreamBare = path.join(await tempDir('gate-e2e-src-'), 'repo.git');
    await git(path.dirname(upstreamBare), 'clone', '-q', '--bare', upstream.dir, upstreamBare);
    const root = await tempDir('gate-e2e-state-');
    await mkdir(path.join(root, 'vault'), { mode: 0o700 });
    const vaultDir = path.join(root, 'vault', 'demo');
    const knownHostsFile = path.join(root, 'known_hosts', 'demo');
    ({ publicKey } = await sshInit({ vaultDir }));
    const { GenericContainer } = await testcontainers();
    const image = await GenericContainer.fromDockerfile(SSHD_GIT_CONTEXT).build(SSHD_GIT_IMAGE, { deleteOnExit: false });
    upstreamHost = await image
      .withExposedPorts(22)
      .withCopyContentToContainer([{ content: `${publicKey}\n`, target: '/home/git/.ssh/authorized_keys', mode: 0o600 }])
      .withCopyDirectoriesToContainer([{ source: upstreamBare, target: '/srv/repo.git' }])
      .start();
    const chown = await upstreamHost.exec(['chown', '-R', 'git:git', '/home/git/.ssh', '/srv/repo.git']);
    expect(chown.exitCode).toBe(0);

    // 2. The gate for project demo, syncing over SSH with the vault key and a pinned host key.
    const port = upstreamHost.getMappedPort(22);
    await trustHost({ knownHostsFile, host: '127.0.0.1', port });
    gatePath = path.join(root, 'gates', 'demo.git');
    gate = new GitGate({ scope: 'demo', gatePath, upstreamUrl: `ssh://git@127.0.0.1:${port}/srv/repo.git`, credentials: { vaultDir, knownHostsFile } });
    const first = await gate.sync();
    expect(first.errors).toEqual([]);

    // 3. Tokens for task t42: one that may push, one that may only fetch.
    const tokens = new TokenStore(path.join(root, 'daemon'));
    ({ token: writeToken } = await tokens.mint({ project: 'demo', task: 't42', capability: 'write', ttlSeconds: 3600 }));
    ({ token: readToken } = await tokens.mint({ project: 'demo', task: 't42', capability: 'read', ttlSeconds: 3600 }));

    // 4. The git endpoint on the bridge address, the only host address a container can reach.
    const logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    endpoint = await createGitEndpoint({
      resolveGate: (project) => (project === 'demo' ? { gatePath, mode: 'gatekeeping', policy: defaultPushPolicy() } : null),
      tokens,
      logger: createLogger({ level: 'debug', destination: logStream }),
      hooksParent: root,
    });
    server = http.createServer(endpoint);
    hardenGitServer(server);
    const bridge = await bridgeGatewayAddress();
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(0, bridge, () => resolve());
    });
    const { port: gatePort } = server.address() as AddressInfo;

    // 5. The client: its whole configuration is two URLs.
    client = await ClientContainer.start({
      GATE_URL: `http://t42:${writeToken}@${bridge}:${gatePort}/demo.git`,
      GATE_READ_URL: `http://t42:${readToken}@${bridge}:${gatePort}/demo.git`,
    });
  }, 300_000);

  afterAll(async () => {
    await client?.stop().catch(() => undefined);
    await upstreamHost?.stop().catch(() => undefined);
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
    }
    await endpoint?.close();
    await gate?.close();
  }, 60_000);

  it('holds no SSH key, agent socket or upstream access of its own', async () => {
    const env = await client!.sh('env');
    const names = env.stdout.split('\n').map((line) => line.split('=')[0]).sort();
    expect(names).toEqual(['GATE_READ_URL', 'GATE_URL', 'HOME', 'HOSTNAME', 'PATH', 'PWD']);
    expect(env.stdout).not.toMatch(/SSH_AUTH_SOCK|PRIVATE KEY/);

    expect((await client!.sh('ls -A ~/.ssh')).exitCode).not.toBe(0);
    expect((await client!.sh('test -z "${SSH_AUTH_SOCK+set}"')).exitCode).toBe(0);
    // No unix socket anywhere (no agent to borrow) and no user key files.
    const sockets = await client!.sh('find / -xdev -type s 2>/dev/null; find / -xdev \\( -name "id_*" -o -name "*.pem" \\) -path "*ssh*" 2>/dev/null');
    expect(sockets.stdout).toBe('');
    // The deploy key the gate syncs with is nowhere a copy could be put (image files under /usr
    // excepted: the image is built before the key exists), not even its public half.
    const keyBody = publicKey.split(' ')[1]!;
    const copies = await client!.sh(`grep -rlsF -- '${keyBody}' /root /home /etc /tmp /var /srv /opt /run /mnt /media /work`);
    expect(copies.stdout).toBe('');

    // And the upstream refuses it: it may reach the SSH host on the bridge, but has nothing to log in with.
    const upstreamIp = upstreamHost!.getIpAddress('bridge');
    // (Host key accepted blindly here: the point is that authentication fails, not the host check.)
    const direct = await client!.sh(`git ls-remote ssh://git@${upstreamIp}/srv/repo.git`, {
      GIT_SSH_COMMAND: 'ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null',
    });
    expect(direct.exitCode).not.toBe(0);
    expect(direct.stderr).toContain('Permission denied (publickey)');
  }, 60_000);

  it('clones through the gate and sees the upstream branches, and nothing of the gate namespace', async () => {
    const clone = await inClient('git clone -q "$GATE_URL" /work/demo');
    expect(clone.exitCode, clone.stderr).toBe(0);
    const seen = await inClient('git -C /work/demo for-each-ref --format="%(refname:strip=3) %(objectname)" refs/remotes/origin/');
    const branches = new Map(seen.stdout.split('\n').map((line) => line.split(' ') as [string, string]).filter(([name]) => name !== 'HEAD'));
    expect(branches).toEqual(await headsOf(upstreamBare));
    expect((await inClient('git -C /work/demo rev-parse --abbrev-ref HEAD')).stdout).toBe('main');

    const advertised = await inClient('git ls-remote "$GATE_URL"');
    expect(advertised.exitCode).toBe(0);
    expect(advertised.stdout).toContain('refs/heads/main');
    expect(advertised.stdout).not.toContain('refs/gate/');
  });

  it('pushes its task branch, and the gate holds the container\'s commit there', async () => {
    const work = await inClient('cd /work/demo && echo fix > fix.txt && git add fix.txt && git commit -q -m "agent fix" && git rev-parse HEAD');
    expect(work.exitCode, work.stderr).toBe(0);
    taskTip = work.stdout;
    const push = await inClient(`cd /work/demo && git push origin HEAD:${TASK_BRANCH}`);
    expect(push.exitCode, explainPush(push.stderr)).toBe(0);
    expect(push.stderr).toContain(`* [new branch]      HEAD -> agent/t42/fix`);
    expect((await allRefs(gatePath)).get(TASK_BRANCH)).toBe(taskTip);
  });

  it('is refused on the default branch, with the rule and the accepted namespace shown by git, and nothing lands', async () => {
    const mainBefore = (await allRefs(gatePath)).get('refs/heads/main');
    const work = await inClient('cd /work/demo && echo sneaky > sneaky.txt && git add sneaky.txt && git commit -q -m "straight to main" && git rev-parse HEAD && git rev-parse HEAD:sneaky.txt');
    expect(work.exitCode, work.stderr).toBe(0);
    const [refusedCommit, refusedBlob] = work.stdout.split('\n') as [string, string];

    const push = await inClient('cd /work/demo && git push origin HEAD:main');
    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toContain('[remote rejected] HEAD -> main');
    expect(push.stderr, explainPush(push.stderr)).toMatch(/remote: git-gate: refused refs\/heads\/main .*\[rule: protected-default-branch\]/);
    expect(push.stderr).toContain('remote: git-gate:   push to refs/heads/agent/t42/<name> instead');

    expect((await allRefs(gatePath)).get('refs/heads/main')).toBe(mainBefore);
    for (const object of [refusedCommit, refusedBlob]) {
      const present = await execa('git', ['--git-dir', gatePath, 'cat-file', '-e', object], { reject: false, extendEnv: false, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } });
      expect(present.exitCode, `object ${object} of the refused push is in the gate`).not.toBe(0);
    }
    // The container's own main is put back, so later steps work from the gate's history.
    expect((await inClient('cd /work/demo && git reset -q --hard origin/main')).exitCode).toBe(0);
  });

  it('cannot push with a read token, and is told to ask for a write token', async () => {
    const push = await inClient('cd /work/demo && git push "$GATE_READ_URL" HEAD:refs/heads/agent/t42/read-only');
    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toContain('remote: git-gate: this token is read-only: ask for a write token to push');
    expect((await allRefs(gatePath)).has('refs/heads/agent/t42/read-only')).toBe(false);
    // The same token fetches.
    expect((await inClient('git ls-remote "$GATE_READ_URL" refs/heads/main')).exitCode).toBe(0);
  });

  it('sees upstream commits the host syncs in while it keeps pushing, and the sync leaves its branch alone', async () => {
    const upstreamTip = await upstreamCommit('upstream moves on');
    // The container pushes again to its branch while the host syncs: both land, neither undoes the other.
    const [push, sync] = await Promise.all([
      inClient(`cd /work/demo && git checkout -q -b fix-2 ${taskTip} && echo more > more.txt && git add more.txt && git commit -q -m "more agent work" && git push -q origin HEAD:${TASK_BRANCH} && git rev-parse HEAD`),
      gate!.sync(),
    ]);
    expect(push.exitCode, explainPush(push.stderr)).toBe(0);
    const secondTip = push.stdout.split('\n').at(-1)!;
    expect(sync.errors).toEqual([]);
    expect(sync.applied.map((change) => `${change.kind} ${change.branch}`)).toEqual(['fast_forward main']);

    const refs = await allRefs(gatePath);
    expect(refs.get('refs/heads/main')).toBe(upstreamTip);
    expect(refs.get(TASK_BRANCH)).toBe(secondTip);

    const fetch = await inClient('cd /work/demo && git fetch -q origin && git rev-parse refs/remotes/origin/main refs/remotes/origin/agent/t42/fix');
    expect(fetch.exitCode, fetch.stderr).toBe(0);
    expect(fetch.stdout.split('\n')).toEqual([upstreamTip, secondTip]);
    expect((await inClient(`cd /work/demo && git log -1 --format=%s ${upstreamTip}`)).stdout).toBe('upstream moves on');
  }, 60_000);

  it('leaves an audit trail of its decisions without any token in it', () => {
    const records = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toContainEqual(expect.objectContaining({ audit: 'push', task: 't42', ref: 'refs/heads/main', decision: 'deny', rule: 'protected-default-branch' }));
    expect(records).toContainEqual(expect.objectContaining({ audit: 'push', task: 't42', ref: TASK_BRANCH, decision: 'allow' }));
    expect(records).toContainEqual(expect.objectContaining({ audit: 'push', decision: 'deny', rule: 'read-only-token' }));
    const joined = logLines.join('\n');
    expect(joined).not.toContain(writeToken);
    expect(joined).not.toContain(readToken);
  });
});
