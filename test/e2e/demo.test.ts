import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/git-fixture.js';

const DEMO = fileURLToPath(new URL('../../examples/demo.mjs', import.meta.url));

// `npm run demo` is one of the README's two commands: it must keep telling the story it tells.
describe('examples/demo.mjs against the built package', () => {
  it('syncs, keeps container work, leaves the force-push pending, measures staleness, applies it, and serves the gate with its push policy', async () => {
    const home = await tempDir('gate-demo-home-');
    const run = await execa('node', [DEMO], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home }, extendEnv: false, reject: false, timeout: 120_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ {2}PENDING force-update \w{7} -> \w{7} {2}feature\/login {2}\(upstream_rewrite; would discard 1 gate-local commit\)$/m);
    expect(run.stdout).toMatch(/^ {2}kept \(gate-only\) +agent\/t1\/fix$/m);
    expect(run.stdout).toMatch(/^ {2}main +\w{7} +\w{7} +1 +0 +yes$/m);
    expect(run.stdout).toMatch(/^ {2}backup of feature\/login at \w{7}: refs\/gate\/backup\/feature\/login\//m);
    expect(run.stdout).toContain('  push to agent/t2/docs: accepted');
    expect(run.stdout).toMatch(/^ {4}remote: git-gate: refused refs\/heads\/main \(\w+\): .*\[rule: protected-default-branch\]$/m);
    expect(run.stdout).toContain('    remote: git-gate:   push to refs/heads/agent/t2/<name> instead');
    expect(run.stderr).toBe('');
  });
});
