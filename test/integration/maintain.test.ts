// GitGate.maintain(): gates run with gc.auto=0, so explicit maintenance must keep them compact:
// refs packed, the packs each fetch and push leaves rolled up, the commit-graph extended, and
// nothing lost on the way.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateOnLocalUpstream } from '../helpers/gate-fixture.js';
import { allRefs, git, headsOf, pushToGate } from '../helpers/git-fixture.js';

async function packs(gatePath: string): Promise<string[]> {
  return (await readdir(path.join(gatePath, 'objects', 'pack'))).filter((name) => name.endsWith('.pack')).sort();
}

async function looseObjects(gatePath: string): Promise<number> {
  const counts = await git(gatePath, 'count-objects', '-v');
  return Number(/^count: (\d+)$/m.exec(counts)![1]);
}

async function looseRefFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await looseRefFiles(full)));
    else found.push(full);
  }
  return found;
}

describe('maintain', () => {
  it('packs refs, rolls the small packs and loose objects up, extends the commit-graph, and keeps every ref and object', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    expect((await gate.sync()).success).toBe(true);
    // Each sync that fetches keeps a pack (fsck on transfer); each small push leaves loose objects and loose refs.
    for (let i = 0; i < 5; i++) {
      await upstream.commit('main', `upstream ${i}`);
      expect((await gate.sync()).applied.length).toBe(1);
      await pushToGate(gatePath, `agent/t${i}`, (await headsOf(gatePath)).get('main')!, `task ${i}`);
    }
    const packsBefore = await packs(gatePath);
    expect(packsBefore.length).toBeGreaterThanOrEqual(5);
    expect(await looseObjects(gatePath)).toBeGreaterThan(0);
    expect((await looseRefFiles(path.join(gatePath, 'refs'))).length).toBeGreaterThan(0);
    const refsBefore = await allRefs(gatePath);

    const report = await gate.maintain();
    expect(report.steps.map((s) => s.step)).toEqual(['pack-refs', 'repack', 'commit-graph']);
    expect(await allRefs(gatePath)).toEqual(refsBefore);
    expect(await looseRefFiles(path.join(gatePath, 'refs'))).toEqual([]);
    expect(await looseObjects(gatePath)).toBe(0);
    // A plain `repack -d` only adds a pack of the loose objects; the geometric roll-up merges the small packs too.
    const packsAfter = await packs(gatePath);
    expect(packsAfter.length).toBeLessThan(packsBefore.length);
    expect(existsSync(path.join(gatePath, 'objects', 'info', 'commit-graphs', 'commit-graph-chain'))).toBe(true);
    await git(gatePath, 'commit-graph', 'verify');
    await git(gatePath, 'fsck', '--connectivity-only', '--no-dangling');
    // Every tip is in the commit-graph: the walks of later syncs start from it.
    const tips = [...new Set(refsBefore.values())];
    const graphed = await git(gatePath, '-c', 'core.commitGraph=true', 'rev-list', '--no-walk', '--format=%H', ...tips);
    expect(graphed.split('\n').filter((line) => /^[0-9a-f]{40}$/.test(line)).length).toBe(tips.length);

    // Nothing new: the second run rewrites no pack.
    await gate.maintain();
    expect(await packs(gatePath)).toEqual(packsAfter);
  });

  it('refuses to run on a gate that does not exist yet, and creates nothing', async () => {
    const { gate, gatePath } = await gateOnLocalUpstream();
    await expect(gate.maintain()).rejects.toMatchObject({ code: 'GATE_NOT_A_GATE', message: expect.stringContaining('not been synced yet') });
    expect(existsSync(gatePath)).toBe(false);
  });
});
