// Scenario 9: a 1 GiB push through the daemon's HTTP git endpoint into the task namespace, with the
// bench process's memory sampled while it streams, against a raw `git push` of the same commit to
// a file:// copy of the gate. The endpoint only pipes bytes, so its memory must stay flat.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { copyTree, git, gitDir } from './fixtures.mjs';
import { kib, ms, ratio, timeOnce } from './measure.mjs';

const MIB = 1024 * 1024;
const SIZE = 1024 * MIB;
const CHUNK = 8 * MIB;
const REF = 'refs/heads/agent/bench/big';
const RSS_LIMIT = 64 * MIB;

// Incompressible bytes, so neither side can shrink the pack.
async function writeRandomFile(file, size) {
  const out = createWriteStream(file);
  for (let written = 0; written < size; written += CHUNK) {
    if (!out.write(randomBytes(Math.min(CHUNK, size - written)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

// Runs `fn` while sampling this process's RSS every 100 ms; growth = peak − the RSS just before.
async function withPeakRss(fn) {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  try {
    const timed = await timeOnce(fn);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { ms: timed.ms, growth: peak - baseline };
  } finally {
    clearInterval(sampler);
  }
}

export async function scenarioServePush(table, root, fx) {
  // A copy of the served gate takes the push, so scenarios 7 and 8 keep theirs as it was.
  const pushGate = path.join(root, 'serve-push-gate');
  const work = path.join(root, 'serve-push-work.git');
  const bigFile = path.join(root, 'serve-push-1gib.bin');
  try {
    await copyTree(fx.gatePath, pushGate);
    const project = `${fx.project}-push`;
    const tokens = await fx.serve(project, pushGate);
    const httpUrl = fx.url(project, tokens.write);

    // The commit to push: main's tree plus one 1 GiB blob. Over core.bigFileThreshold, the blob
    // is streamed straight into a pack; compression 0 spares the client deflating random bytes.
    await git(['clone', '--bare', '--quiet', fx.url(project, tokens.read), work]);
    await writeRandomFile(bigFile, SIZE);
    const stored = ['-c', 'core.compression=0', '-c', 'pack.compression=0'];
    const blob = (await gitDir(work, [...stored, 'hash-object', '-w', '--no-filters', '--', bigFile])).trim();
    await rm(bigFile, { force: true });
    const tree = (await gitDir(work, ['mktree'], { input: `${await gitDir(work, ['ls-tree', 'HEAD'])}100644 blob ${blob}\thuge.bin\n` })).trim();
    const commit = (await gitDir(work, ['commit-tree', tree, '-p', 'HEAD', '-m', 'one GiB'])).trim();

    const servedBefore = fx.log.served.length;
    const gateRun = await withPeakRss(() => gitDir(work, [...stored, 'push', '--quiet', httpUrl, `${commit}:${REF}`]));
    const landed = (await gitDir(pushGate, ['rev-parse', REF])).trim();
    if (landed !== commit) throw new Error(`the push did not land: ${REF} is ${landed}, expected ${commit}`);
    const received = fx.log.served.slice(servedBefore).filter((r) => r.service === 'receive-pack' && !r.advertise).reduce((sum, r) => sum + r.bytesIn, 0);
    await rm(pushGate, { recursive: true, force: true });

    // The raw side twice, each on a fresh copy: with receive.fsckObjects as the endpoint's
    // receive-pack runs, (a) keeping the pack as the gate's receive-pack does (it receives the
    // whole history, see the note, so it is over unpackLimit), (b) with git's defaults, which
    // unpack these three objects into a loose 1 GiB object, deflating it.
    const rawPush = async (name, extra) => {
      const target = path.join(root, `serve-push-raw-${name}.git`);
      await copyTree(fx.gatePath, target);
      try {
        const receivePack = `--receive-pack=git -c receive.fsckObjects=true ${extra} receive-pack`;
        const measured = await withPeakRss(() => gitDir(work, [...stored, 'push', '--quiet', receivePack, `file://${target}`, `${commit}:${REF}`]));
        if ((await gitDir(target, ['rev-parse', REF])).trim() !== commit) throw new Error(`the raw push (${name}) did not land`);
        return measured;
      } finally {
        await rm(target, { recursive: true, force: true });
      }
    };
    const rawKept = await rawPush('kept', '-c receive.unpackLimit=1');
    const rawDefault = await rawPush('default', '');

    const mibPerSecond = (runMs) => `${(SIZE / MIB / (runMs / 1000)).toFixed(0)} MiB/s`;
    const growth = (bytes) => `${bytes < 0 ? '-' : '+'}${(Math.abs(bytes) / MIB).toFixed(1)} MiB`;
    table.add({ scenario: '9', measure: '1 GiB push (incompressible blob): wall time', gate: ms(gateRun.ms), raw: ms(rawKept.ms), ratio: ratio(gateRun.ms / rawKept.ms), target: '-', pass: null });
    table.add({ scenario: '9', measure: '  same: throughput (1 GiB / wall time)', gate: mibPerSecond(gateRun.ms), raw: mibPerSecond(rawKept.ms), ratio: ratio(rawKept.ms / gateRun.ms), target: '-', pass: null });
    table.add({ scenario: '9', measure: '  same: bench process peak RSS growth', gate: growth(gateRun.growth), raw: growth(rawKept.growth), ratio: '-', target: '< 64 MiB', pass: gateRun.growth < RSS_LIMIT });
    table.add({ scenario: '9', measure: '  raw push with git defaults (loose object): time', gate: ms(gateRun.ms), raw: ms(rawDefault.ms), ratio: ratio(gateRun.ms / rawDefault.ms), target: '-', pass: null });
    table.note(`[9] gate = git push http://x:<write token>@…/${project}.git <commit>:${REF} (policy maxPushBytes 2 GiB; the endpoint in the bench process); raw = the same push to file://<fresh copy of the gate> with --receive-pack='git -c receive.fsckObjects=true -c receive.unpackLimit=1 receive-pack' (keeps the pack, as the gate's receive-pack does); "git defaults" = without unpackLimit. One run each. RSS sampled every 100 ms during the push; growth = peak − RSS just before (the raw pushes run outside this process: a reference for the noise).`);
    table.note(`[9] the endpoint received ${kib(Math.round(received / 1024))} of push request body: the 1 GiB blob and ${kib(Math.round((received - SIZE) / 1024))} more, the whole history: receive-pack advertises only the task's namespace (receive.hideRefs), so the client cannot tell that the gate already has main and sends all of it.`);
  } finally {
    await Promise.all([pushGate, work, bigFile].map((p) => rm(p, { recursive: true, force: true })));
  }
}
