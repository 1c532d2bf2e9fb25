import { chmod, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHome, expectNoStackTrace } from '../helpers/cli-fixture.js';
import { tempDir, Upstream } from '../helpers/git-fixture.js';

describe.concurrent('gate probe, path, list, status (all), doctor, help', () => {
  it('probe reports what a local upstream advertises, through the URL allow-list', async () => {
    const cli = await cliHome();
    const upstream = await Upstream.create(await tempDir('gate-up-'));
    await upstream.commit('feature');
    await upstream.tag('v1', 'main');
    await upstream.setHead('main');
    const main = await upstream.sha('main');

    const refused = await cli.gate('probe', upstream.dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^gate: error GATE_UPSTREAM_LOCAL_NOT_ALLOWED: /);

    const json = await cli.json('probe', upstream.dir, '--allow-local');
    expect(json.code, json.stderr).toBe(0);
    expect(json.body).toEqual({ schemaVersion: 1, command: 'probe', url: upstream.dir, kind: 'local', protocolVersion: 2, head: { branch: 'main', sha: main }, counts: { branches: 2, tags: 1, other: 0 } });
    const human = await cli.gate('probe', upstream.dir, '--allow-local');
    expect(human.stdout).toMatch(new RegExp(`^HEAD +main ${main.slice(0, 7)}$`, 'm'));
    expect(human.stdout).toMatch(/^branches +2$/m);
    expect(human.stdout).toMatch(/^protocol +v2$/m);

    // Gates and keys under the state root are never an upstream, even with --allow-local.
    expect((await cli.gate('init', 'other')).code).toBe(0);
    const inside = await cli.gate('probe', path.join(cli.root, 'gates', 'other.git'), '--allow-local');
    expect(inside.code).toBe(1);
    expect(inside.stderr).toMatch(/^gate: error GATE_UPSTREAM_INSIDE_STATE: /);
    const ssh = await cli.gate('probe', 'git@example.com:org/repo.git');
    expect(ssh.stderr).toMatch(/^gate: error GATE_AUTH_NOT_CONFIGURED: .*\nfix: Pass --use-personal-ssh/);
  });

  it('path prints the gate path alone; list shows valid and broken projects; status lists every project', async () => {
    const cli = await cliHome();
    const upstream = await Upstream.create(await tempDir('gate-up-'));
    expect((await cli.gate('init', 'alpha', '--upstream', upstream.dir, '--allow-local')).code).toBe(0);
    expect((await cli.gate('init', 'beta')).code).toBe(0);
    await writeFile(path.join(cli.root, 'projects', 'broken.yaml'), 'name: broken\nbogus: 1\n');

    const gatePath = await cli.gate('path', 'alpha');
    expect(gatePath.stdout).toBe(path.join(cli.root, 'gates', 'alpha.git'));
    const pathJson = await cli.json('path', 'alpha');
    expect(pathJson.body).toEqual({ schemaVersion: 1, command: 'path', project: 'alpha', gatePath: path.join(cli.root, 'gates', 'alpha.git'), projectFile: path.join(cli.root, 'projects', 'alpha.yaml'), cachePath: path.join(cli.root, 'cache', 'alpha') });

    const list = await cli.json('list');
    expect(list.code).toBe(0);
    expect(list.body['projects']).toEqual([
      expect.objectContaining({ name: 'alpha', mode: 'gatekeeping', upstreamUrl: upstream.dir, error: null }),
      expect.objectContaining({ name: 'beta', mode: 'remoteless', upstreamUrl: null, error: null }),
      expect.objectContaining({ name: 'broken', mode: null, error: { code: 'GATE_CONFIG_INVALID', message: expect.stringContaining('broken.yaml:2:1: bogus: unknown key "bogus"') } }),
    ]);
    const human = await cli.gate('list');
    expect(human.stdout).toMatch(/^PROJECT +MODE +UPSTREAM$/m);
    expect(human.stdout).toMatch(/^beta +remoteless +\(no upstream\)$/m);

    expect((await cli.gate('sync', 'alpha')).code).toBe(0);
    const status = await cli.gate('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^PROJECT +MODE +BRANCHES +STALE +LAST SYNC +OUTCOME$/m);
    expect(status.stdout).toMatch(/^alpha +gatekeeping +1 +0 +(just now|\d+ s ago) +success$/m);
    expect(status.stdout).toMatch(/^beta +remoteless +0 +0 +never +-$/m);
    expect(status.stdout).toMatch(/^broken +- +- +- +never +GATE_CONFIG_INVALID$/m);
  });

  it('doctor on a fresh root passes and says the root does not exist yet', async () => {
    const cli = await cliHome();
    const run = await cli.gate('doctor');
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/^ok +git: git \d+\.\d+ \(minimum 2\.39\)$/m);
    expect(run.stdout).toMatch(/^warn +state-root: .* does not exist yet$/m);
    expect(run.stdout).toMatch(/^ {6}fix: Run `gate init <project>` to create it\.$/m);
    const json = await cli.json('doctor');
    expect(json.body).toMatchObject({ schemaVersion: 1, command: 'doctor', ok: true, stateRoot: cli.root });
    const checks = (json.body['findings'] as Array<{ check: string; level: string; fix: string | null }>);
    expect(new Set(checks.map((f) => f.check))).toEqual(new Set(['git', 'ssh', 'state-root', 'disk', 'config', 'projects', 'locks']));
    for (const finding of checks) expect(finding.level === 'ok' ? finding.fix : typeof finding.fix).toBe(finding.level === 'ok' ? null : 'string');
  });

  it('doctor finds a loose state root, a stale lock and an unpinned SSH project, each with a fix, and exits 1', async () => {
    const cli = await cliHome();
    expect((await cli.gate('init', 'remote', '--upstream', 'git@example.com:org/repo.git')).code).toBe(0);
    await chmod(cli.root, 0o777);
    const lock = path.join(cli.root, 'gates', 'remote.git.lock');
    await mkdir(lock, { recursive: true });
    await writeFile(path.join(lock, 'owner.json'), JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), startedAt: '2026-01-01T00:00:00.000Z', children: [] }));
    const run = await cli.json('doctor');
    expect(run.code).toBe(1);
    const findings = run.body['findings'] as Array<{ check: string; level: string; message: string; fix: string }>;
    expect(findings).toContainEqual({ check: 'state-root', level: 'error', message: `${cli.root} is writable by group or others (mode 777)`, fix: `chmod 700 ${cli.root}` });
    expect(findings).toContainEqual(expect.objectContaining({ check: 'locks', level: 'warn', message: expect.stringContaining(`${lock} is held by pid ${2 ** 22 + 12345}, which is no longer running`) }));
    expect(findings).toContainEqual(expect.objectContaining({ check: 'host-keys', level: 'warn', message: 'remote reaches its upstream over SSH and has no host key pinned' }));
  });

  it('--help and --version print to stdout and exit 0; --verbose shows no stack for user mistakes', async () => {
    const cli = await cliHome();
    const help = await cli.gate('--help');
    expect(help.code).toBe(0);
    for (const command of ['init', 'sync', 'plan', 'pending', 'apply', 'status', 'backups', 'probe', 'path', 'list', 'doctor']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const syncHelp = await cli.gate('sync', '--help');
    expect(syncHelp.stdout).toContain('--destructive');
    const version = await cli.gate('--version');
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+$/);
    const verbose = await cli.gate('--verbose', 'sync', 'nope');
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/^gate: error GATE_PROJECT_NOT_FOUND: /m);
    expectNoStackTrace({ ...verbose, stderr: verbose.stderr.replace(/^GateError[\s\S]*$/m, '') });
  });
});
