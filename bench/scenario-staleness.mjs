// Scenario 4: staleness() of 1,000 branches that are each one commit behind upstream. What it
// counts is upstream round trips: upload-pack processes started (connections) and fetch
// negotiation rounds, observed through git's own trace2 events in an untimed run.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { GitGate } from '../dist/index.js';
import { copyTree, gitDir, gitEnv } from './fixtures.mjs';
import { alternate, ms, ratio } from './measure.mjs';
import { BRANCHES } from './scenario-fast-forward.mjs';

export async function scenarioStaleness(table, root, fixture, { iterations = 5 } = {}) {
  let serial = 0;
  const freshGate = async (transport) => {
    const gatePath = path.join(root, `stale-gate-${++serial}`);
    await copyTree(fixture.gateTemplate, gatePath);
    return { gatePath, gate: new GitGate({ scope: 'bench', gatePath, upstreamUrl: fixture.upstream, allowLocalUpstream: true, ...(transport ? { transport } : {}) }) };
  };
  const check = (report) => {
    const behind = report.filter((b) => b.isStale && b.commitsBehind === 1 && b.commitsAhead === 0).length;
    if (report.length !== BRANCHES || behind !== BRANCHES) throw new Error(`staleness reported ${report.length} branches, ${behind} one behind; expected ${BRANCHES}`);
  };
  const results = await alternate([
    {
      name: 'gate',
      setup: () => freshGate(),
      run: async (ctx) => {
        ctx.report = await ctx.gate.staleness();
      },
      teardown: async (ctx) => {
        check(ctx.report);
        await rm(ctx.gatePath, { recursive: true, force: true });
        await rm(`${ctx.gatePath}.lock`, { recursive: true, force: true });
      },
    },
    {
      name: 'raw',
      setup: async () => {
        const dir = path.join(root, `stale-raw-${++serial}.git`);
        await copyTree(fixture.rawTemplate, dir);
        return dir;
      },
      run: (dir) => gitDir(dir, ['-c', 'transfer.fsckObjects=true', 'fetch', '--quiet', '--prune', fixture.upstream, '+refs/heads/*:refs/remotes/upstream/*']),
      teardown: (dir) => rm(dir, { recursive: true, force: true }),
    },
  ], { iterations, warmup: 1 });

  // Round trips: the public `transport` option adds environment to every upstream git call, so
  // git's trace2 (one event file per process) shows each upload-pack started and each fetch's
  // negotiation rounds. The library's env is otherwise built from empty and admits no other trace
  // variable (GIT_TRACE_PACKET would be refused), so nothing else leaks in.
  const traceDir = path.join(root, 'stale-trace2');
  await mkdir(traceDir);
  const traced = await freshGate(async () => ({ env: { GIT_TRACE2_EVENT: traceDir }, config: [] }));
  check(await traced.gate.staleness());
  const gateTrips = await countTrips(traceDir);

  // The same count for the raw fetch, for comparison (its negotiation is git's own).
  const rawTrace = path.join(root, 'stale-raw-trace2');
  await mkdir(rawTrace);
  const rawDir = path.join(root, 'stale-raw-traced.git');
  await copyTree(fixture.rawTemplate, rawDir);
  await gitDir(rawDir, ['fetch', '--quiet', '--prune', fixture.upstream, '+refs/heads/*:refs/remotes/upstream/*'], { env: gitEnv({ GIT_TRACE2_EVENT: rawTrace }) });
  const rawTrips = await countTrips(rawTrace);

  const g = results.gate.median;
  const r = results.raw.median;
  table.add({ scenario: '4', measure: `staleness(), ${BRANCHES} branches each 1 behind: upstream connections`, gate: String(gateTrips.connections), raw: String(rawTrips.connections), ratio: '-', target: '1 connection', pass: gateTrips.connections === 1 });
  table.add({ scenario: '4', measure: '  same: fetch negotiation rounds', gate: gateTrips.requests, raw: rawTrips.requests, ratio: '-', target: '-', pass: null });
  table.add({ scenario: '4', measure: '  same: time', gate: ms(g), raw: ms(r), ratio: ratio(g / r), target: '-', pass: null });
  table.note(`[4] connections = git-upload-pack processes started while staleness() ran (trace2 start events); rounds = the fetch's have/ack negotiation rounds (trace2 data total_rounds), each one request on that connection. Raw = the fetch alone (git -c transfer.fsckObjects=true fetch --prune <upstream> '+refs/heads/*:refs/remotes/upstream/*'), without any behind/ahead counting, for information; median of ${iterations} alternating runs, each on a fresh copy of the gate.`);
}

// Connections = git-upload-pack processes that started (trace2 "start" events, one file per
// process); rounds = the fetching side's negotiation rounds (trace2 data "total_rounds").
async function countTrips(traceDir) {
  let connections = 0;
  let rounds = 0;
  for (const file of await readdir(traceDir)) {
    for (const line of (await readFile(path.join(traceDir, file), 'utf8')).split('\n')) {
      if (line.includes('"event":"start"')) {
        const argv = JSON.parse(line).argv ?? [];
        if (argv.some((arg) => /(^|\/)git-upload-pack$/.test(arg)) || argv[1] === 'upload-pack') connections += 1;
      } else if (line.includes('"key":"total_rounds"')) {
        rounds += Number(JSON.parse(line).value ?? 0);
      }
    }
  }
  return { connections, requests: String(rounds) };
}
