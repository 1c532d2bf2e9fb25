// THREATS "Running git on the host" — environment is code. Each test poisons process.env (or the
// user's config files) during real GitGate syncs, proves the poison is live with a positive
// control (plain git with that environment does the hostile thing), and proves git-gate's git
// ignored it.
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitGate, type GateSyncResult } from '../../src/index.js';
import { allRefs, git, headsOf, tempDir, Upstream } from '../helpers/git-fixture.js';
import { filesUnder, hasObject, httpServer, markerScript, rawGit, withEnv, writeScript } from '../helpers/security-fixture.js';

interface World {
  upstream: Upstream;
  /** The upstream's real path: what the gate passes to git, so what insteadOf must match. */
  upstreamUrl: string;
  /** A different repository the poison tries to substitute for upstream. */
  evil: Upstream;
  evilMain: string;
  scratch: string;
  marker: string;
  gatePath: string;
  cacheBase: string;
}

async function makeWorld(): Promise<World> {
  const root = await tempDir('gate-sec-env-');
  const upstream = await Upstream.create(root);
  await upstream.commit('feature', 'feature work');
  await upstream.setHead('main');
  const evil = await Upstream.create(await tempDir('gate-evil-'));
  const evilMain = await evil.commit('main', 'evil', { 'evil.txt': 'evil\n' });
  await evil.commit('evil-only', 'evil only');
  const scratch = await tempDir('gate-scratch-');
  return {
    upstream, upstreamUrl: realpathSync(upstream.dir), evil, evilMain, scratch,
    marker: path.join(scratch, 'MARKER'),
    gatePath: path.join(root, 'gates', 'demo.git'),
    cacheBase: path.join(root, 'cache'),
  };
}

/** Two syncs under the poisoned environment: the creating one, then a fast-forward (fetch + update-ref + cache update). */
async function syncUnderPoison(world: World, env: Readonly<Record<string, string | undefined>>): Promise<GateSyncResult[]> {
  const gate = new GitGate({ scope: 'demo', gatePath: world.gatePath, upstreamUrl: world.upstream.dir, allowLocalUpstream: true, cloneCacheBase: world.cacheBase });
  const results: GateSyncResult[] = [];
  results.push(await withEnv(env, () => gate.sync()));
  await world.upstream.commit('main', 'upstream moves on', { 'probe.txt': 'line one\nline two\n' });
  results.push(await withEnv(env, () => gate.sync()));
  return results;
}

/** The gate (and its clone cache) mirror the real upstream, nothing of the evil one, and no marker exists. */
async function expectMirrorsUpstream(world: World, results: readonly GateSyncResult[]): Promise<void> {
  for (const result of results) {
    expect(result.errors).toEqual([]);
    expect(result.success).toBe(true);
    expect(result.cache.error).toBeNull();
  }
  expect(await headsOf(world.gatePath)).toEqual(await headsOf(world.upstream.dir));
  expect([...(await allRefs(world.gatePath)).values()]).not.toContain(world.evilMain);
  expect(await hasObject(world.gatePath, world.evilMain)).toBe(false);
  const cache = path.join(world.cacheBase, 'demo');
  expect(await git(cache, 'rev-parse', 'HEAD')).toBe(await world.upstream.sha('main'));
  // No attributes file of the user's reached the checkout (e.g. `* text eol=crlf`).
  expect(await readFile(path.join(cache, 'probe.txt'), 'utf8')).toBe('line one\nline two\n');
  expect(existsSync(world.marker)).toBe(false);
}

/** Positive control: plain `git ls-remote <upstream>` under this environment lists the evil repository. */
async function expectControlRedirects(world: World, env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const { stdout } = await rawGit(env, world.scratch, 'ls-remote', world.upstreamUrl);
  expect(stdout).toContain(world.evilMain);
}

/** A hooks directory whose every hook a fetch, ref update or checkout could run writes the marker. */
async function markerHooks(dir: string, marker: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const hook of ['reference-transaction', 'post-checkout', 'post-merge', 'post-index-change', 'pre-auto-gc', 'fsmonitor-watchman', 'post-update', 'post-rewrite']) {
    await markerScript(dir, hook, marker);
  }
  return dir;
}

describe('process.env poisoning has no effect on host-side git', () => {
  // Mitigation: git's environment is built from empty (env.ts), so GIT_CONFIG_PARAMETERS (`-c` via env) never reaches git.
  it('ignores GIT_CONFIG_PARAMETERS (url.<evil>.insteadOf)', async () => {
    const world = await makeWorld();
    const env = { GIT_CONFIG_PARAMETERS: `'url.${world.evil.dir}.insteadOf'='${world.upstreamUrl}'` };
    await expectMirrorsUpstream(world, await syncUnderPoison(world, env));
    await expectControlRedirects(world, env);
  });

  // Mitigation: env built from empty, so GIT_CONFIG_COUNT/KEY_n/VALUE_n never reach git.
  it('ignores GIT_CONFIG_COUNT / GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n', async () => {
    const world = await makeWorld();
    const env = {
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: `url.${world.evil.dir}.insteadOf`, GIT_CONFIG_VALUE_0: world.upstreamUrl,
      GIT_CONFIG_KEY_1: 'core.attributesFile', GIT_CONFIG_VALUE_1: path.join(world.scratch, 'attributes'),
    };
    await writeFile(path.join(world.scratch, 'attributes'), '* text eol=crlf\n');
    await expectMirrorsUpstream(world, await syncUnderPoison(world, env));
    await expectControlRedirects(world, env);
  });

  // Mitigation: env built from empty plus explicit --git-dir, so GIT_DIR / GIT_OBJECT_DIRECTORY never redirect git.
  it('ignores GIT_DIR and GIT_OBJECT_DIRECTORY', async () => {
    const world = await makeWorld();
    // The repository GIT_DIR names carries config that would send upstream's URL to the evil repo.
    await git(world.evil.dir, 'config', `url.${world.evil.dir}.insteadOf`, world.upstreamUrl);
    const evilRefsBefore = await allRefs(world.evil.dir);
    const objects = path.join(world.scratch, 'objects');
    await mkdir(objects);
    const env = { GIT_DIR: path.join(world.evil.dir, '.git'), GIT_OBJECT_DIRECTORY: objects };
    await expectMirrorsUpstream(world, await syncUnderPoison(world, env));
    expect(await filesUnder(objects)).toEqual([]);
    expect(await allRefs(world.evil.dir)).toEqual(evilRefsBefore);
    await expectControlRedirects(world, { GIT_DIR: env.GIT_DIR });
    const probe = path.join(world.scratch, 'probe');
    await writeFile(probe, 'probe\n');
    await rawGit({ GIT_OBJECT_DIRECTORY: objects }, world.scratch, `--git-dir=${world.gatePath}`, 'hash-object', '-w', probe);
    expect((await filesUnder(objects)).length).toBeGreaterThan(0);
  });

  // Mitigation: env built from empty, so GIT_EXEC_PATH cannot swap git's helper programs (git-upload-pack).
  it('ignores GIT_EXEC_PATH', async () => {
    const world = await makeWorld();
    const execPath = path.join(world.scratch, 'exec-path');
    await mkdir(execPath);
    const realExecPath = (await git(world.scratch, '--exec-path')).trim();
    await writeScript(execPath, 'git-upload-pack', `echo upload-pack >> '${world.marker}'\nexec '${realExecPath}/git-upload-pack' "$@"`);
    const env = { GIT_EXEC_PATH: execPath };
    await expectMirrorsUpstream(world, await syncUnderPoison(world, env));
    await rawGit(env, world.scratch, 'ls-remote', world.upstreamUrl);
    expect(existsSync(world.marker)).toBe(true);
  });

  // Mitigation: env built from empty and `init/clone --template=`, so GIT_TEMPLATE_DIR plants no hooks or files.
  it('ignores GIT_TEMPLATE_DIR', async () => {
    const world = await makeWorld();
    const template = path.join(world.scratch, 'template');
    await markerHooks(path.join(template, 'hooks'), world.marker);
    await mkdir(path.join(template, 'info'), { recursive: true });
    await writeFile(path.join(template, 'info', 'planted'), 'planted by template\n');
    const env = { GIT_TEMPLATE_DIR: template };
    await expectMirrorsUpstream(world, await syncUnderPoison(world, env));
    expect(await filesUnder(path.join(world.gatePath, 'hooks'))).toEqual([]);
    expect(existsSync(path.join(world.gatePath, 'info', 'planted'))).toBe(false);
    const cacheGitDir = path.join(realpathSync(path.join(world.cacheBase, 'demo')), '.git');
    expect(await filesUnder(path.join(cacheGitDir, 'hooks'))).toEqual([]);
    await rawGit(env, world.scratch, 'init', '--bare', '-q', path.join(world.scratch, 'control.git'));
    expect(existsSync(path.join(world.scratch, 'control.git', 'info', 'planted'))).toBe(true);
  });

  // Mitigation: GIT_CONFIG_NOSYSTEM=1 pinned in a from-empty env, so a poisoned system config (GIT_CONFIG_SYSTEM) is never read.
  it('ignores GIT_CONFIG_SYSTEM with GIT_CONFIG_NOSYSTEM unset', async () => {
    const world = await makeWorld();
    const system = path.join(world.scratch, 'gitconfig');
    await writeFile(system, `[url "${world.evil.dir}"]\n\tinsteadOf = ${world.upstreamUrl}\n[core]\n\tattributesFile = ${path.join(world.scratch, 'attributes')}\n`);
    await writeFile(path.join(world.scratch, 'attributes'), '* text eol=crlf\n');
    const env = { GIT_CONFIG_SYSTEM: system, GIT_CONFIG_NOSYSTEM: undefined };
    await expectMirrorsUpstream(world, await syncUnderPoison(world, env));
    await expectControlRedirects(world, env);
  });

  // Mitigation: XDG_CONFIG_HOME is pinned to the private home, so $XDG_CONFIG_HOME/git/{config,attributes} are never read.
  it('ignores XDG_CONFIG_HOME (git/config and git/attributes)', async () => {
    const world = await makeWorld();
    const xdg = path.join(world.scratch, 'xdg');
    await mkdir(path.join(xdg, 'git'), { recursive: true });
    await writeFile(path.join(xdg, 'git', 'config'), `[url "${world.evil.dir}"]\n\tinsteadOf = ${world.upstreamUrl}\n[core]\n\thooksPath = ${await markerHooks(path.join(xdg, 'hooks'), world.marker)}\n`);
    await writeFile(path.join(xdg, 'git', 'attributes'), '* text eol=crlf\n');
    const env = { XDG_CONFIG_HOME: xdg };
    await expectMirrorsUpstream(world, await syncUnderPoison(world, env));
    await expectControlRedirects(world, { XDG_CONFIG_HOME: xdg, GIT_CONFIG_GLOBAL: undefined });
  });

  // Mitigation: GIT_SSH_COMMAND is pinned (to `false`) in a from-empty env, so neither GIT_SSH_COMMAND nor GIT_SSH from process.env ever runs.
  it('ignores GIT_SSH_COMMAND and GIT_SSH', async () => {
    const scratch = await tempDir('gate-scratch-');
    const marker = path.join(scratch, 'MARKER');
    const sshCommand = await markerScript(scratch, 'evil-ssh-command', marker);
    const ssh = await markerScript(scratch, 'evil-ssh', marker);
    const url = 'ssh://git@gate-test.invalid/repo.git';
    const gatePath = path.join(scratch, 'gates', 'demo.git');
    // A transport that adds nothing, so only the runner's own environment decides which ssh runs.
    const gate = new GitGate({ scope: 'demo', gatePath, upstreamUrl: url, transport: async () => ({ env: {}, config: [] }) });
    const result = await withEnv({ GIT_SSH_COMMAND: sshCommand, GIT_SSH: ssh }, () => gate.sync());
    expect(result.success).toBe(false);
    expect(result.errors[0]?.code).toBe('GATE_UPSTREAM_UNREACHABLE');
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(gatePath)).toBe(false);
    // Controls: each variable alone makes plain git run the script.
    await rawGit({ GIT_SSH: ssh, GIT_ALLOW_PROTOCOL: 'ssh' }, scratch, 'ls-remote', url);
    expect(await readFile(marker, 'utf8')).toContain('evil-ssh');
    await rawGit({ GIT_SSH_COMMAND: sshCommand, GIT_ALLOW_PROTOCOL: 'ssh' }, scratch, 'ls-remote', url);
    expect(await readFile(marker, 'utf8')).toContain('evil-ssh-command');
  });

  // Mitigation: env built from empty, so proxy variables (https_proxy, ALL_PROXY, …) never route upstream traffic.
  it('ignores proxy variables', async () => {
    const proxy = await httpServer((_req, res) => res.writeHead(502).end());
    try {
      const scratch = await tempDir('gate-scratch-');
      const url = 'https://127.0.0.1:1/repo.git';
      const gate = new GitGate({ scope: 'demo', gatePath: path.join(scratch, 'gates', 'demo.git'), upstreamUrl: url });
      const env = { https_proxy: proxy.url, HTTPS_PROXY: proxy.url, http_proxy: proxy.url, ALL_PROXY: proxy.url, all_proxy: proxy.url, NO_PROXY: undefined, no_proxy: undefined };
      const result = await withEnv(env, () => gate.sync());
      expect(result.success).toBe(false);
      expect(result.errors[0]?.code).toBe('GATE_UPSTREAM_UNREACHABLE');
      expect(proxy.connections()).toBe(0);
      await rawGit({ https_proxy: proxy.url, GIT_ALLOW_PROTOCOL: 'https' }, scratch, 'ls-remote', url);
      expect(proxy.connections()).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });

  // Mitigation: every variable above at once, as a hostile shell profile would set them.
  it('ignores all of them at once, across a create and a fast-forward sync', async () => {
    const world = await makeWorld();
    await git(world.evil.dir, 'config', `url.${world.evil.dir}.insteadOf`, world.upstreamUrl);
    const template = path.join(world.scratch, 'template');
    await markerHooks(path.join(template, 'hooks'), world.marker);
    const xdg = path.join(world.scratch, 'xdg');
    await mkdir(path.join(xdg, 'git'), { recursive: true });
    await writeFile(path.join(xdg, 'git', 'attributes'), '* text eol=crlf\n');
    const env = {
      GIT_CONFIG_PARAMETERS: `'url.${world.evil.dir}.insteadOf'='${world.upstreamUrl}'`,
      GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `url.${world.evil.dir}.insteadOf`, GIT_CONFIG_VALUE_0: world.upstreamUrl,
      GIT_DIR: path.join(world.evil.dir, '.git'),
      GIT_TEMPLATE_DIR: template,
      GIT_SSH_COMMAND: await markerScript(world.scratch, 'ssh-command', world.marker),
      GIT_SSH: await markerScript(world.scratch, 'ssh', world.marker),
      XDG_CONFIG_HOME: xdg,
      GIT_ALLOW_PROTOCOL: 'file:ext:ssh:https',
    };
    await expectMirrorsUpstream(world, await syncUnderPoison(world, env));
    expect(await filesUnder(path.join(world.gatePath, 'hooks'))).toEqual([]);
  });
});

describe("the user's own git config has no effect", () => {
  // Mitigation: private HOME and GIT_CONFIG_GLOBAL=/dev/null, so ~/.gitconfig (insteadOf, credential.helper, core.hooksPath, core.fsmonitor) and ~/.config/git are never read.
  it('ignores ~/.gitconfig and ~/.config/git of the HOME in process.env', async () => {
    const world = await makeWorld();
    const home = path.join(world.scratch, 'home');
    const hooks = await markerHooks(path.join(home, 'hooks'), world.marker);
    const helper = await markerScript(home, 'credential-helper', world.marker);
    const fsmonitor = await markerScript(home, 'fsmonitor', world.marker);
    await writeFile(path.join(home, '.gitconfig'), [
      `[url "${world.evil.dir}"]`, `\tinsteadOf = ${world.upstreamUrl}`,
      '[credential]', `\thelper = ${helper}`,
      '[core]', `\thooksPath = ${hooks}`, `\tfsmonitor = ${fsmonitor}`, `\tattributesFile = ${path.join(home, 'attributes')}`,
      '',
    ].join('\n'));
    await writeFile(path.join(home, 'attributes'), '* text eol=crlf\n');
    await mkdir(path.join(home, '.config', 'git'), { recursive: true });
    await writeFile(path.join(home, '.config', 'git', 'attributes'), '* text eol=crlf\n');
    const env = { HOME: home, XDG_CONFIG_HOME: undefined };
    await expectMirrorsUpstream(world, await syncUnderPoison(world, env));
    await expectControlRedirects(world, { HOME: home, GIT_CONFIG_GLOBAL: undefined });
  });
});
