import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitGate } from '../../src/index.js';
import { gateOnLocalUpstream } from '../helpers/gate-fixture.js';
import { allRefs, git, headsOf, pushToGate } from '../helpers/git-fixture.js';

describe('edge cases found in review', () => {
  it('a gate branch with unknown provenance becomes gate-only again when upstream drops its branch', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const mine = await pushToGate(gatePath, 'topic', null, 'gate first');
    await upstream.commit('topic');
    expect((await gate.sync()).pending.map((op) => op.reason)).toEqual(['unknown_provenance']);
    await upstream.deleteBranch('topic');
    const result = await gate.sync();
    expect(result.pending).toEqual([]);
    expect(result.gateOnlyBranches).toEqual(['topic']);
    expect(await gate.pendingOps()).toEqual([]);
    expect((await headsOf(gatePath)).get('topic')).toBe(mine);
    expect((await allRefs(gatePath)).has('refs/gate/foreign/topic')).toBe(false);
  });

  it('a new upstream URL is related when any branch shares history, even if the first one is an orphan', async () => {
    const { root, upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const fork = path.join(root, 'fork.git');
    await git(root, 'clone', '-q', '--bare', upstream.dir, fork);
    // An orphan branch that sorts first by name (gh-pages style).
    await git(upstream.dir, 'checkout', '-q', '--orphan', 'aaa-pages');
    await git(upstream.dir, 'commit', '-q', '--allow-empty', '-m', 'pages');
    await git(upstream.dir, 'push', '-q', fork, 'aaa-pages');
    const result = await new GitGate({ scope: 'demo', gatePath, upstreamUrl: fork, allowLocalUpstream: true }).sync();
    expect(result.errors).toEqual([]);
    expect((await headsOf(gatePath)).has('aaa-pages')).toBe(true);
  });

  it('a selective sync of a branch deleted upstream proposes the delete', async () => {
    const { upstream, gate } = await gateOnLocalUpstream();
    const sha = await upstream.commit('doomed');
    await gate.sync();
    await gate.sync({ branches: ['doomed'] });
    await upstream.deleteBranch('doomed');
    const result = await gate.sync({ branches: ['doomed'] });
    expect(result.pending).toEqual([expect.objectContaining({ branch: 'doomed', kind: 'delete', gateSha: sha, lossless: true })]);
  });

  it('forceReinit against an unreachable upstream leaves the gate as it was', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const before = await allRefs(gatePath);
    await rename(upstream.dir, `${upstream.dir}-gone`);
    const result = await gate.sync({ forceReinit: true });
    expect(result.success).toBe(false);
    expect(result.reinitBundle).toBeNull();
    expect(existsSync(gatePath)).toBe(true);
    expect(await allRefs(gatePath)).toEqual(before);
  });

  it('staleness of a remoteless gate reports the reason instead of an empty list', async () => {
    const { root } = await gateOnLocalUpstream();
    const gate = new GitGate({ scope: 'scratch', gatePath: path.join(root, 'scratch.git') });
    await gate.sync();
    expect(await gate.staleness()).toEqual([expect.objectContaining({ branch: 'main', error: expect.objectContaining({ code: 'GATE_NO_UPSTREAM' }) })]);
  });
});
