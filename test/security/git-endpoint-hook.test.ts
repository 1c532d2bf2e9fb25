// The pre-receive relay fails closed: without a ticket the daemon issued for this request, or
// without the daemon, it refuses; its verdict never depends on anything the client controls.
import { execa } from 'execa';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitRunner } from '../../src/git/index.js';
import { silentLogger } from '../../src/log/index.js';
import { defaultPushPolicy } from '../../src/server/policy.js';
import { PushGuard } from '../../src/server/push-guard.js';
import { tempDir } from '../helpers/git-fixture.js';

const UPDATE = `${'0'.repeat(40)} ${'a'.repeat(40)} refs/heads/agent/t1/x\n`;

async function runRelay(hooksDir: string, env: Record<string, string>): Promise<{ exitCode: number; stderr: string }> {
  const result = await execa(path.join(hooksDir, 'pre-receive'), [], { input: UPDATE, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, extendEnv: false, reject: false });
  return { exitCode: result.exitCode ?? -1, stderr: String(result.stderr) };
}

describe('pre-receive relay', () => {
  it('refuses a push without a ticket, with a forged one, and with one already released', async () => {
    const guard = await PushGuard.start({ runner: new GitRunner(), logger: silentLogger(), parent: await tempDir() });
    try {
      const ticket = guard.issue({
        identity: { id: 'tok_1', project: 'demo', task: 't1', capability: 'write' }, gatePath: '/nonexistent', policy: defaultPushPolicy(), outcome: { accepted: [], denied: [] },
      });
      const presented: Array<Record<string, string>> = [{}, { GIT_GATE_HOOK_TICKET: 'forged' }, { GIT_GATE_HOOK_TICKET: `${ticket.env['GIT_GATE_HOOK_TICKET']!}x` }];
      for (const env of presented) {
        const result = await runRelay(guard.hooksDir, env);
        expect(result.exitCode).toBe(1);
        expect(result.stderr).toContain('git-gate: this push has no valid session; nothing was changed');
      }
      ticket.release();
      expect((await runRelay(guard.hooksDir, ticket.env)).stderr).toContain('no valid session');
    } finally {
      await guard.close();
    }
  });

  it('refuses when the daemon is gone', async () => {
    const guard = await PushGuard.start({ runner: new GitRunner(), logger: silentLogger(), parent: await tempDir() });
    const hooksDir = guard.hooksDir;
    // Keep the hook script but stop the daemon side: close() removes the directory, so copy first.
    const copy = await tempDir();
    await execa('cp', ['-p', path.join(hooksDir, 'pre-receive'), path.join(hooksDir, 'relay.cjs'), copy]);
    await guard.close();
    const relay = path.join(copy, 'pre-receive');
    await execa('sed', ['-i', `s#${path.join(hooksDir, 'relay.cjs')}#${path.join(copy, 'relay.cjs')}#`, relay]);
    const result = await runRelay(copy, { GIT_GATE_HOOK_TICKET: 'anything' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('the push policy check is unavailable; nothing was changed');
  });

  it('keeps its directory private', async () => {
    const guard = await PushGuard.start({ runner: new GitRunner(), logger: silentLogger(), parent: await tempDir() });
    try {
      const { stdout } = await execa('stat', ['-c', '%a', guard.hooksDir]);
      expect(stdout.trim()).toBe('700');
    } finally {
      await guard.close();
    }
  });
});
