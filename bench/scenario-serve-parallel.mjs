// Scenario 8: 20 bare clones at once through the daemon's HTTP git endpoint against 20 parallel
// `git clone --bare file://` of the same gate: how the endpoint carries a burst of containers.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { git } from './fixtures.mjs';
import { alternate, ms, ratio } from './measure.mjs';

const CLONES = 20;

export async function scenarioServeParallel(table, root, fx, { iterations = 2 } = {}) {
  const httpUrl = fx.url(fx.project, fx.tokens.read);
  const fileUrl = `file://${fx.gatePath}`;
  let serial = 0;
  const batchCase = (name, url) => ({
    name,
    setup: () => {
      const batch = ++serial;
      return Array.from({ length: CLONES }, (_, i) => path.join(root, `serve-parallel-${name}-${batch}-${i}.git`));
    },
    run: (dirs) => Promise.all(dirs.map((dir) => git(['clone', '--bare', '--quiet', url, dir]))),
    teardown: (dirs) => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))),
  });
  const seenBefore = fx.log.seen.length;
  // No warm-up: scenario 7 ran on the same gate just before (page cache warm); with --only 8 the
  // first batch is cold on both sides alike, and alternation spreads that.
  const results = await alternate([batchCase('gate', httpUrl), batchCase('raw', fileUrl)], { iterations, warmup: 0 });
  const seen = fx.log.seen.slice(seenBefore);
  const statuses = {};
  for (const r of seen) statuses[r.status] = (statuses[r.status] ?? 0) + 1;

  const g = results.gate.median;
  const r = results.raw.median;
  const perSecond = (batchMs) => `${(CLONES / (batchMs / 1000)).toFixed(2)}/s`;
  table.add({ scenario: '8', measure: `${CLONES} parallel bare clones: batch wall time`, gate: ms(g), raw: ms(r), ratio: ratio(g / r), target: '-', pass: null });
  table.add({ scenario: '8', measure: '  same: clones per second', gate: perSecond(g), raw: perSecond(r), ratio: ratio(r / g), target: '-', pass: null });
  table.note(`[8] ${CLONES} clones started together (Promise.all), the gate of scenario 7; gate = over HTTP with one read token, raw = file://<gate>; batch wall time, median of ${iterations} alternating batches, no warm-up. HTTP statuses seen in all gate batches: ${Object.entries(statuses).map(([status, n]) => `${status} x${n}`).join(', ')} (401 is git's first, unauthenticated request; 503 would be the concurrency limit).`);
}
