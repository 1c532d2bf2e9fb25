import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliHome, expectUserError } from '../helpers/cli-fixture.js';
import { git, tempDir, Upstream } from '../helpers/git-fixture.js';

describe.concurrent('global options and sync options', () => {
  it('--home wins over GATE_HOME', async () => {
    const cli = await cliHome();
    const other = path.join(await tempDir('gate-other-'), 'state');
    expect((await cli.gate('--home', other, 'init', 'demo')).code).toBe(0);
    const there = await cli.json('--home', other, 'list');
    expect(there.body['projects']).toEqual([expect.objectContaining({ name: 'demo', file: path.join(other, 'projects', 'demo.yaml') })]);
    expect((await cli.json('list')).body['projects']).toEqual([]);
  });

  it('a broken global config fails commands with its line, and doctor reports it', async () => {
    const cli = await cliHome();
    await mkdir(cli.root, { recursive: true });
    await writeFile(path.join(cli.root, 'config.yaml'), 'git:\n  network_timeout: forever\n');
    expect((await cli.gate('init', 'demo')).code).toBe(0);
    const sync = await cli.gate('sync', 'demo');
    expectUserError(sync, 'GATE_CONFIG_INVALID');
    expect(sync.stderr).toContain('config.yaml:2:20: git.network_timeout: expected a duration');
    const doctor = await cli.json('doctor');
    expect(doctor.code).toBe(1);
    expect(doctor.body['findings']).toContainEqual(expect.objectContaining({ check: 'config', level: 'error', message: expect.stringContaining('GATE_CONFIG_INVALID') }));
  });

  it('--branch syncs only the named branches and leaves tags for a full sync', async () => {
    const cli = await cliHome();
    const upstream = await Upstream.create(await tempDir('gate-up-'));
    await upstream.commit('one');
    await upstream.commit('two');
    await upstream.tag('v1', 'main');
    expect((await cli.gate('init', 'demo', '--upstream', upstream.dir, '--allow-local')).code).toBe(0);
    const sync = await cli.json('sync', 'demo', '--branch', 'one', '--branch', 'main');
    expect(sync.code, sync.stderr).toBe(0);
    expect((sync.body['applied'] as Array<{ branch: string }>).map((c) => c.branch).sort()).toEqual(['main', 'one']);
    expect(sync.body['tags']).toEqual({ created: [], moved: [] });
    expect(sync.body['notes']).toContain('tags are synced only by a full sync (no --branch filter)');

    // Without --branch, the project's sync.branches apply.
    const file = path.join(cli.root, 'projects', 'demo.yaml');
    await writeFile(file, `${await readFile(file, 'utf8')}sync:\n  branches: [two]\n`);
    const configured = await cli.json('sync', 'demo');
    expect(configured.body['applied']).toEqual([expect.objectContaining({ branch: 'two', kind: 'create' })]);
  });

  it('--force-reinit rebuilds the gate and says where the old refs were saved', async () => {
    const cli = await cliHome();
    const upstream = await Upstream.create(await tempDir('gate-up-'));
    expect((await cli.gate('init', 'demo', '--upstream', upstream.dir, '--allow-local')).code).toBe(0);
    expect((await cli.gate('sync', 'demo')).code).toBe(0);
    const run = await cli.gate('sync', 'demo', '--force-reinit');
    expect(run.code, run.stderr).toBe(0);
    const bundle = /^old gate saved to (\S+)$/m.exec(run.stdout)?.[1];
    expect(bundle).toBeDefined();
    expect(await git(path.dirname(bundle!), 'bundle', 'list-heads', bundle!)).toContain('refs/heads/main');
  });

  it('Ctrl-C while waiting for a busy gate cancels cleanly with GATE_CANCELLED and records the failure', async () => {
    const cli = await cliHome();
    const upstream = await Upstream.create(await tempDir('gate-up-'));
    expect((await cli.gate('init', 'demo', '--upstream', upstream.dir, '--allow-local')).code).toBe(0);
    expect((await cli.gate('sync', 'demo')).code).toBe(0);
    // Another live process (this test runner) holds the gate lock, so the sync waits for it.
    const lock = path.join(cli.root, 'gates', 'demo.git.lock');
    await mkdir(lock);
    await writeFile(path.join(lock, 'owner.json'), JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), children: [] }));
    const child = execa('node', [fileURLToPath(new URL('../../bin/gate.js', import.meta.url)), 'sync', 'demo'], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cli.home, GATE_HOME: cli.root, NO_COLOR: '1' }, extendEnv: false, reject: false,
    });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    child.kill('SIGINT');
    const run = await child;
    expect(run.exitCode, String(run.stderr)).toBe(1);
    expect(String(run.stderr)).toMatch(/^cancelling … \(press Ctrl-C again to stop at once\)\ngate: error GATE_CANCELLED: .+\nfix: .+$/);
    expect(JSON.parse(await readFile(path.join(cli.root, 'state', 'demo.json'), 'utf8'))).toMatchObject({ outcome: 'failure', errorCode: 'GATE_CANCELLED' });
    expect(existsSync(path.join(lock, 'owner.json'))).toBe(true);
  });
});
