import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHome, expectUserError } from '../helpers/cli-fixture.js';
import { allRefs, git, pushToGate, tempDir, Upstream } from '../helpers/git-fixture.js';

// Each test has its own state root and upstream, so they run side by side.
async function project(name = 'demo') {
  const cli = await cliHome();
  const upstream = await Upstream.create(await tempDir('gate-up-'));
  const init = await cli.gate('init', name, '--upstream', upstream.dir, '--allow-local');
  expect(init.code, init.stderr).toBe(0);
  return { cli, upstream, gatePath: path.join(cli.root, 'gates', `${name}.git`) };
}

/** Ref files git keeps outside packed-refs, relative to the gate. */
async function looseRefFiles(gatePath: string): Promise<string[]> {
  const entries = await readdir(path.join(gatePath, 'refs'), { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(gatePath, path.join(entry.parentPath, entry.name)));
}

/** The commit-graph files (a single file or a split chain's layers), or [] when there is none. */
async function commitGraphFiles(gatePath: string): Promise<string[]> {
  const info = path.join(gatePath, 'objects/info');
  const single = existsSync(path.join(info, 'commit-graph')) ? ['commit-graph'] : [];
  const chain = existsSync(path.join(info, 'commit-graphs/commit-graph-chain')) ? (await readdir(path.join(info, 'commit-graphs'))).map((name) => `commit-graphs/${name}`) : [];
  return [...single, ...chain].sort();
}

async function looseObjectCount(gatePath: string): Promise<number> {
  const out = await git(gatePath, 'count-objects', '-v');
  return Number(/^count: (\d+)$/m.exec(out)?.[1]);
}

describe.concurrent('gate maintain', () => {
  it('packs every loose ref and loose object, extends the commit-graph, and every ref keeps its value', async () => {
    const { cli, upstream, gatePath } = await project();
    expect((await cli.gate('sync', 'demo')).code).toBe(0);
    // A few upstream moves and syncs: each leaves loose refs in the gate.
    for (const branch of ['main', 'feature', 'release', 'main']) {
      await upstream.commit(branch);
      const sync = await cli.gate('sync', 'demo');
      expect(sync.code, sync.stderr).toBe(0);
    }
    await upstream.tag('v1', 'main');
    expect((await cli.gate('sync', 'demo')).code).toBe(0);
    // A container's push: a gate-only branch whose objects arrive loose.
    await pushToGate(gatePath, 'agent/t1/work', await upstream.sha('main'));

    const before = await allRefs(gatePath);
    expect(before.get('refs/tags/v1')).toBeDefined();
    expect(await looseRefFiles(gatePath)).toContain('refs/heads/feature');
    expect(await looseObjectCount(gatePath)).toBeGreaterThan(0);
    // Syncs write a commit-graph as they fetch; the pushed commit is not in it yet.
    const graphBefore = await commitGraphFiles(gatePath);

    const run = await cli.gate('maintain', 'demo');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^pack-refs +\d+ ms\nrepack +\d+ ms\ncommit-graph +\d+ ms\nmaintained demo in \d+\.\d s$/);

    expect(await looseRefFiles(gatePath)).toEqual([]);
    // The graph was extended by a new layer (or rewritten), and git finds it sound.
    const graphAfter = await commitGraphFiles(gatePath);
    expect(graphAfter.some((file) => file.endsWith('.graph') || file === 'commit-graph')).toBe(true);
    expect(graphAfter.filter((file) => !graphBefore.includes(file)).length).toBeGreaterThan(0);
    await git(gatePath, 'commit-graph', 'verify', '--no-progress');
    expect(await looseObjectCount(gatePath)).toBe(0);
    expect(await allRefs(gatePath)).toEqual(before);
    // Every object every ref needs is still there.
    await git(gatePath, 'fsck', '--no-progress', '--connectivity-only');
    // The gate keeps syncing after maintenance.
    const next = await upstream.commit('main');
    expect((await cli.gate('sync', 'demo')).code).toBe(0);
    expect((await allRefs(gatePath)).get('refs/heads/main')).toBe(next);
  });

  it('--json reports the project, the three steps with their durations and the whole duration', async () => {
    const { cli, upstream, gatePath } = await project();
    await upstream.commit('feature');
    expect((await cli.gate('sync', 'demo')).code).toBe(0);
    const before = await allRefs(gatePath);

    const run = await cli.json('maintain', 'demo');
    expect(run.code, run.stderr).toBe(0);
    expect(run.body).toEqual({
      schemaVersion: 1, command: 'maintain', project: 'demo',
      steps: [
        { step: 'pack-refs', durationMs: expect.any(Number) },
        { step: 'repack', durationMs: expect.any(Number) },
        { step: 'commit-graph', durationMs: expect.any(Number) },
      ],
      durationMs: expect.any(Number),
    });
    const steps = run.body['steps'] as Array<{ durationMs: number }>;
    for (const step of steps) expect(Number.isInteger(step.durationMs) && step.durationMs >= 0).toBe(true);
    expect(run.body['durationMs']).toBeGreaterThanOrEqual(steps.reduce((sum, s) => sum + s.durationMs, 0));
    expect(await looseRefFiles(gatePath)).toEqual([]);
    expect(await allRefs(gatePath)).toEqual(before);

    // A second run on an already maintained gate is fine and changes no ref.
    const again = await cli.json('maintain', 'demo');
    expect(again.code, again.stderr).toBe(0);
    expect(await allRefs(gatePath)).toEqual(before);
  });

  it('an unknown project fails with exit 1 and the two-line error, and creates no gate', async () => {
    const cli = await cliHome();
    const run = await cli.gate('maintain', 'nosuch');
    expectUserError(run, 'GATE_PROJECT_NOT_FOUND');
    expect(existsSync(path.join(cli.root, 'gates', 'nosuch.git'))).toBe(false);
    expect(existsSync(path.join(cli.root, 'gates', 'nosuch.git.lock'))).toBe(false);
  });

  it('a project never synced fails with exit 1, says to run gate sync, and creates no gate', async () => {
    const { cli, gatePath } = await project();
    const run = await cli.gate('maintain', 'demo');
    expectUserError(run, 'GATE_NOT_A_GATE');
    expect(run.stderr).toContain('the gate of demo does not exist yet');
    expect(run.stderr).toContain('fix: Create it with `gate sync demo`');
    expect(run.stdout).toBe('');
    expect(existsSync(gatePath)).toBe(false);
    expect(existsSync(`${gatePath}.lock`)).toBe(false);

    const json = await cli.json('maintain', 'demo');
    expect(json.code).toBe(1);
    expect(json.body).toMatchObject({ schemaVersion: 1, command: 'maintain', error: { code: 'GATE_NOT_A_GATE', details: { project: 'demo' } } });
    expect(existsSync(gatePath)).toBe(false);
  });
});
