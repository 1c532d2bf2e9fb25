// git-gate benchmarks against raw git. Run with `npm run bench` (builds first); `npm run bench --
// --only 7,8` runs a subset. Prints one table of medians and gate/raw ratios with PASS/MISS per
// target; exits 0 whatever the results.
import os from 'node:os';
import { cleanupAll, git, makeRoot } from './fixtures.mjs';
import { ResultTable } from './measure.mjs';
import { scenarioCloneCache } from './scenario-clone-cache.mjs';
import { scenarioFastForward, thousandBranchFixture } from './scenario-fast-forward.mjs';
import { scenarioInitial } from './scenario-initial.mjs';
import { scenarioNoop } from './scenario-noop.mjs';
import { scenarioServeClone, servedGateFixture } from './scenario-serve-clone.mjs';
import { scenarioServeParallel } from './scenario-serve-parallel.mjs';
import { scenarioServePush } from './scenario-serve-push.mjs';
import { scenarioSshNoop } from './scenario-ssh-noop.mjs';
import { scenarioStaleness } from './scenario-staleness.mjs';

const SCENARIOS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

// `--only 7,8` or `--only=7,8`: the scenarios to run; all of them without it.
function selectedScenarios(argv) {
  const at = argv.findIndex((arg) => arg === '--only' || arg.startsWith('--only='));
  if (at === -1) return new Set(SCENARIOS);
  const value = argv[at].startsWith('--only=') ? argv[at].slice('--only='.length) : argv[at + 1] ?? '';
  const picked = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = picked.filter((s) => !SCENARIOS.includes(s));
  if (picked.length === 0 || unknown.length > 0) {
    console.error(`--only takes a comma-separated list of scenario numbers (${SCENARIOS.join(', ')}), e.g. --only 7,8; got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return new Set(picked);
}

const only = selectedScenarios(process.argv.slice(2));
const table = new ResultTable();
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

process.on('SIGINT', () => {
  void cleanupAll().finally(() => process.exit(130));
});

async function step(label, scenario, fn) {
  if (!only.has(scenario)) return;
  console.log(`[${elapsed()}] ${label} …`);
  try {
    await fn();
  } catch (error) {
    table.add({ scenario, measure: label, pass: 'ERROR' });
    table.note(`[${scenario}] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }
}

// Fixtures shared by two scenarios, built by whichever of them runs first.
function shared(build) {
  let value = null;
  return async () => (value ??= build());
}

let served = null;
try {
  const root = await makeRoot();
  const gitVersion = (await git(['--version'])).trim();
  console.log(`git-gate benchmarks: ${gitVersion}, node ${process.version}, ${os.cpus().length} CPUs, ${os.platform()}; temp dir ${root}`);
  const thousand = shared(() => thousandBranchFixture(root));
  const servedGate = shared(() => (served = servedGateFixture(root)));
  await step('1,000 fast-forwarding branches', '1', async () => scenarioFastForward(table, root, await thousand()));
  await step('no-op sync', '2', () => scenarioNoop(table, root));
  await step('initial sync vs clone --mirror', '3', () => scenarioInitial(table, root));
  await step('staleness of 1,000 branches', '4', async () => scenarioStaleness(table, root, await thousand()));
  await step('clone-cache refresh', '5', () => scenarioCloneCache(table, root));
  await step('no-op sync over loopback sshd', '6', () => scenarioSshNoop(table, root));
  await step('clone through the git endpoint vs file://', '7', async () => scenarioServeClone(table, root, await servedGate()));
  await step('20 parallel clones through the git endpoint', '8', async () => scenarioServeParallel(table, root, await servedGate()));
  // Last: it writes and pushes 1 GiB (into a copy of the served gate, removed right after).
  await step('1 GiB push through the git endpoint', '9', async () => scenarioServePush(table, root, await servedGate()));
} finally {
  if (served !== null) await served.then((fx) => fx.close(), () => undefined);
  await cleanupAll();
}

console.log(`\nResults (medians; ratios compare runs of this one invocation only; ${elapsed()} in all)\n`);
table.print();
