// When git cannot be started at all, the runner says why: spawn reports ENOENT both for a missing
// git executable and for a missing working directory (a gate that was never synced), and the two
// need different fixes.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitRunner } from '../../src/git/index.js';
import { tempDir } from '../helpers/git-fixture.js';

describe('git runner: git that cannot start', () => {
  it('a missing git executable is GATE_GIT_NOT_FOUND', async () => {
    const runner = new GitRunner({ gitPath: '/nonexistent/bin/git' });
    await expect(runner.run(['version'])).rejects.toMatchObject({ code: 'GATE_GIT_NOT_FOUND' });
  });

  it('a repository directory that does not exist is GATE_NOT_A_GATE naming it, not a missing git', async () => {
    const missing = path.join(await tempDir(), 'never-synced.git');
    const runner = new GitRunner();
    await expect(runner.run(['rev-parse', '--git-dir'], { gitDir: missing })).rejects.toMatchObject({ code: 'GATE_NOT_A_GATE', message: expect.stringContaining(missing) });
    // git itself is fine.
    expect((await runner.run(['version'])).stdout).toMatch(/^git version /);
  });
});
