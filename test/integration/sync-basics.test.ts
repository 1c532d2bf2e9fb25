import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateOnLocalUpstream } from '../helpers/gate-fixture.js';
import { allRefs, git, headsOf } from '../helpers/git-fixture.js';

describe('sync basics', () => {
  it('creates a gate whose branches match upstream and whose snapshot is hidden', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    const feature = await upstream.commit('feature', 'feature work');
    const main = await upstream.sha('main');
    const result = await gate.sync();
    expect(result.errors).toEqual([]);
    expect(result.success).toBe(true);
    expect(result.created).toBe(true);
    expect(result.applied).toEqual([
      { branch: 'feature', kind: 'create', oldSha: null, newSha: feature },
      { branch: 'main', kind: 'create', oldSha: null, newSha: main },
    ]);
    expect(await headsOf(gatePath)).toEqual(new Map([['feature', feature], ['main', main]]));
    const refs = await allRefs(gatePath);
    expect(refs.get('refs/gate/upstream/main')).toBe(main);
    // Containers never see the hidden namespace.
    const advertised = await git(gatePath, 'ls-remote', gatePath);
    expect(advertised).not.toContain('refs/gate/');
    expect(advertised).toContain('refs/heads/main');
    // A new gate's refs are packed: one packed-refs file, no loose ref files.
    const packed = await readFile(path.join(gatePath, 'packed-refs'), 'utf8');
    expect(packed).toContain(`${main} refs/heads/main`);
    expect(packed).toContain(`${main} refs/gate/upstream/main`);
    expect(existsSync(path.join(gatePath, 'refs', 'heads', 'main'))).toBe(false);
  });

  it('fast-forwards with the real shas and reports a no-op sync as such', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const before = await upstream.sha('main');
    const after = await upstream.commit('main');
    const result = await gate.sync();
    expect(result.applied).toEqual([{ branch: 'main', kind: 'fast_forward', oldSha: before, newSha: after }]);
    expect((await headsOf(gatePath)).get('main')).toBe(after);
    const again = await gate.sync();
    expect(again.applied).toEqual([]);
    expect(again.fetched).toBe(false);
    expect(again.success).toBe(true);
  });

  it('hands the fetch progress of git to onProgress as sanitised lines, on the first sync and on a later one', async () => {
    const { upstream, gate } = await gateOnLocalUpstream();
    const first: string[] = [];
    expect((await gate.sync({ onProgress: (line) => first.push(line) })).success).toBe(true);
    expect(first.some((line) => /objects: +100%/.test(line)), first.join('\n')).toBe(true);
    await upstream.commit('main', 'more');
    const later: string[] = [];
    expect((await gate.sync({ onProgress: (line) => later.push(line) })).success).toBe(true);
    expect(later.some((line) => /objects/.test(line)), later.join('\n')).toBe(true);
    // eslint-disable-next-line no-control-regex -- asserting control bytes are absent
    expect([...first, ...later].every((line) => !/[\x00-\x1f]/.test(line))).toBe(true);
  });
});

