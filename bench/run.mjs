// git-gate benchmarks against raw git. Run with `npm run bench` (builds first). Prints one table
// of medians and gate/raw ratios with PASS/MISS per target; exits 0 whatever the results.
import os from 'node:os';
import { cleanupAll, git, makeRoot } from './fixtures.mjs';
import { ResultTable } from './measure.mjs';
import { scenarioCloneCache } from './scenario-clone-cache.mjs';
import { scenarioFastForward, thousandBranchFixture } from './scenario-fast-forward.mjs';
import { scenarioInitial } from './scenario-initial.mjs';
import { scenarioNoop } from './scenario-noop.mjs';
import { scenarioSshNoop } from './scenario-ssh-noop.mjs';
import { scenarioStaleness } from './scenario-staleness.mjs';

const table = new ResultTable();
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

process.on('SIGINT', () => {
  void cleanupAll().finally(() => process.exit(130));
});

async function step(label, scenario, fn) {
  console.log(`[${elapsed()}] ${label} …`);
  try {
    await fn();
  } catch (error) {
    table.add({ scenario, measure: label, pass: 'ERROR' });
    table.note(`[${scenario}] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }
}

try {
  const root = await makeRoot();
  const gitVersion = (await git(['--version'])).trim();
  console.log(`git-gate benchmarks: ${gitVersion}, node ${process.version}, ${os.cpus().length} CPUs, ${os.platform()}; temp dir ${root}`);
  let thousand = null;
  await step('1,000 fast-forwarding branches', '1', async () => {
    thousand = await thousandBranchFixture(root);
    await scenarioFastForward(table, root, thousand);
  });
  await step('no-op sync', '2', () => scenarioNoop(table, root));
  await step('initial sync vs clone --mirror', '3', () => scenarioInitial(table, root));
  await step('staleness of 1,000 branches', '4', async () => {
    if (thousand === null) throw new Error('the 1,000-branch fixture of scenario 1 is missing');
    await scenarioStaleness(table, root, thousand);
  });
  await step('clone-cache refresh', '5', () => scenarioCloneCache(table, root));
  await step('no-op sync over loopback sshd', '6', () => scenarioSshNoop(table, root));
} finally {
  await cleanupAll();
}

console.log(`\nResults (medians; ratios compare runs of this one invocation only; ${elapsed()} in all)\n`);
table.print();
