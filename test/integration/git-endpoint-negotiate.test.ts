// docs/server.md tells containers to set push.negotiate: the first policy layer hides every ref a
// token may not write, so without it a task's first push cannot see what the gate already has.
import { describe, expect, it } from 'vitest';
import { clientGit, cloneFrom, commitFile, startEndpointFixture } from '../helpers/git-endpoint-fixture.js';

function objectsWritten(stderr: string): number {
  const match = /Writing objects: 100% \((\d+)\/\d+\)/.exec(stderr);
  if (!match) throw new Error(`no object count in:\n${stderr}`);
  return Number(match[1]);
}

describe('git endpoint: a task\'s first push', async () => {
  const fx = await startEndpointFixture([{ project: 'demo', branches: ['feature', 'release'] }]);

  it('sends only the new commit with push.negotiate, and the whole history without it', async () => {
    const withNegotiation = await cloneFrom(fx.url('demo', await fx.mint('demo', 't1')));
    await commitFile(withNegotiation, 'new.txt');
    const negotiated = await clientGit(withNegotiation, ['-c', 'push.negotiate=true', 'push', '--progress', 'origin', 'HEAD:refs/heads/agent/t1/x']);
    expect(negotiated.exitCode, negotiated.stderr).toBe(0);
    // One commit, its root tree and the new blob.
    expect(objectsWritten(negotiated.stderr)).toBe(3);

    const without = await cloneFrom(fx.url('demo', await fx.mint('demo', 't2')));
    await commitFile(without, 'other.txt');
    const plain = await clientGit(without, ['push', '--progress', 'origin', 'HEAD:refs/heads/agent/t2/x']);
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(objectsWritten(plain.stderr)).toBeGreaterThan(3);
  });
});
