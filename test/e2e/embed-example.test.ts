import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir, Upstream } from '../helpers/git-fixture.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/embed.mjs', import.meta.url));

describe('examples/embed.mjs against the built package', () => {
  it('syncs a local upstream, seeds a workspace and reports staleness', async () => {
    const upstream = await Upstream.create(await tempDir('gate-embed-'));
    await upstream.commit('main', 'second commit');
    const main = await upstream.sha('main');
    const home = await tempDir('gate-embed-home-');
    const run = await execa('node', [EXAMPLE, upstream.dir], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home }, extendEnv: false, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^synced example: 1 branch change\(s\) applied, 0 pending, cache version 1$/m);
    expect(run.stdout).toMatch(/^seeded workspace \S+workspaces\/task-1 from \S+cache\/example$/m);
    expect(run.stdout).toMatch(/^ {2}main: behind 0, ahead 0$/m);
    expect(run.stdout).toContain(`HEAD branch main is at ${main.slice(0, 10)} "second commit"`);
    expect(run.stderr).toBe('');
  });
});
