import { existsSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanLeftovers } from '../../src/gate/cleanup.js';
import { gateOnLocalUpstream } from '../helpers/gate-fixture.js';

describe('leftover clean-up after a dead lock owner', () => {
  it('spares the quarantine of a push being served now, removes a stale one and the dead owner\'s temp files', async () => {
    const { gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const objects = path.join(gatePath, 'objects');
    const live = path.join(objects, 'tmp_objdir-incoming-live');
    const stale = path.join(objects, 'tmp_objdir-incoming-stale');
    const deadFetch = path.join(objects, 'pack', 'tmp_pack_dead');
    for (const dir of [live, stale]) await mkdir(path.join(dir, 'pack'), { recursive: true });
    await writeFile(deadFetch, 'partial pack');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    const removed = await cleanLeftovers(gatePath, true);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(deadFetch)).toBe(false);
    expect(removed.sort()).toEqual(['objects/pack/tmp_pack_dead', 'objects/tmp_objdir-incoming-stale']);
  });
});
