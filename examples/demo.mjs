// git-gate demo: `npm run demo` (builds first). Needs no network and no service: everything
// happens in a temp directory, removed at the end unless you pass --keep.
//
// 1. makes an upstream repository (two branches, a tag) and syncs a gate from it;
// 2. a "container" pushes its own branch, and a commit on a mirrored branch, into the gate;
// 3. upstream force-pushes that branch and adds a commit on main; the gate syncs again:
//    main fast-forwards, the force-push waits as a pending op, the container's branch stays;
// 4. upstream moves again, and staleness() measures every branch against upstream as it is now;
// 5. the pending op is applied: a backup ref keeps the commit it takes off the branch.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let GitGate;
try {
  ({ GitGate } = await import('git-gate')); // the package refers to itself through its exports
} catch {
  ({ GitGate } = await import('../dist/index.js'));
}

const keep = process.argv.includes('--keep');
const root = mkdtempSync(path.join(os.tmpdir(), 'git-gate-demo-'));

// Git for the demo's own set-up (the upstream and the container): no user or system config,
// a pinned identity and clock, so nothing on this machine changes what the demo does.
let tick = 0;
function git(cwd, ...args) {
  tick += 1;
  const date = `2026-01-01T00:${String(Math.floor(tick / 60)).padStart(2, '0')}:${String(tick % 60).padStart(2, '0')}Z`;
  return execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: root,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Demo Author',
      GIT_AUTHOR_EMAIL: 'author@example.invalid',
      GIT_COMMITTER_NAME: 'Demo Author',
      GIT_COMMITTER_EMAIL: 'author@example.invalid',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
      GIT_ALLOW_PROTOCOL: 'file',
      LC_ALL: 'C',
    },
  }).trim();
}

function commitFile(repo, file, text, message) {
  writeFileSync(path.join(repo, file), text);
  git(repo, 'add', '--', file);
  git(repo, 'commit', '-q', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}

const short = (sha) => (sha ? sha.slice(0, 7) : '-');
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

function printSync(title, result) {
  console.log(`\n== ${title}`);
  if (!result.success) {
    for (const error of result.errors) console.log(`  ERROR ${error.code}: ${error.message}\n        fix: ${error.fix}`);
    return;
  }
  if (result.created) console.log(`  gate created at ${path.relative(root, result.path)}`);
  for (const change of result.applied) {
    const what = change.kind === 'create' ? `created        ${short(change.newSha)}` : `fast-forwarded ${short(change.oldSha)} -> ${short(change.newSha)}`;
    console.log(`  ${what}  ${change.branch}`);
  }
  if (result.applied.length === 0) console.log('  no branch moved');
  for (const op of result.pending) {
    const target = op.kind === 'delete' ? 'delete' : `force-update ${short(op.gateSha)} -> ${short(op.upstreamSha)}`;
    const loss = op.lossless ? 'lossless' : `would discard ${plural(op.gateOnlyCommits, 'gate-local commit')}`;
    console.log(`  PENDING ${target}  ${op.branch}  (${op.reason}; ${loss})`);
  }
  for (const branch of result.gateOnlyBranches) console.log(`  kept (gate-only)       ${branch}`);
  if (result.tags.created.length > 0) console.log(`  tags created: ${result.tags.created.join(', ')}`);
  for (const moved of result.tags.moved) console.log(`  tag ${moved.tag} moved upstream; the gate keeps ${short(moved.gateSha)}`);
  for (const note of result.notes) console.log(`  note: ${note}`);
  const cache = result.cache.error ? `cache error ${result.cache.error.code}` : result.cache.refreshed ? `clone cache now version ${result.cache.version}` : `clone cache unchanged (version ${result.cache.version})`;
  console.log(`  ${cache}; fetched: ${result.fetched ? 'yes' : 'no'}; ${result.durationMs} ms`);
}

function printStaleness(rows) {
  const table = [['branch', 'gate', 'upstream', 'behind', 'ahead', 'stale']];
  for (const row of rows) {
    table.push([row.branch, short(row.gateHead), short(row.upstreamHead), String(row.commitsBehind ?? '-'), String(row.commitsAhead ?? '-'), row.error ? row.error.code : row.isStale ? 'yes' : 'no']);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((line) => line[i].length)));
  for (const line of table) console.log('  ' + line.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}

let gate;
try {
  // --- an upstream repository: main, feature/login, a tag ---------------------------------
  const upstream = path.join(root, 'upstream');
  mkdirSync(upstream);
  git(upstream, 'init', '-q');
  commitFile(upstream, 'README', 'hello\n', 'initial commit');
  const base = commitFile(upstream, 'app.txt', 'v1\n', 'app v1');
  git(upstream, 'tag', '-a', '-m', 'release 1.0', 'v1.0');
  git(upstream, 'checkout', '-q', '-b', 'feature/login');
  commitFile(upstream, 'login.txt', 'first try\n', 'login: first try');
  git(upstream, 'checkout', '-q', 'main');
  console.log(`upstream: ${upstream}`);

  // --- a gate on it --------------------------------------------------------------------------
  const state = path.join(root, 'state');
  const gatePath = path.join(state, 'gates', 'demo.git');
  gate = new GitGate({
    scope: 'demo',
    gatePath,
    upstreamUrl: upstream,
    allowLocalUpstream: true, // a local path is read, never written
    stateRoot: state,         // ... and may never point inside the state directory
    cloneCacheBase: path.join(state, 'cache'),
  });
  printSync('first sync', await gate.sync());

  // --- a container clones from the gate and pushes to it ------------------------------------
  const work = path.join(root, 'container');
  git(root, 'clone', '-q', gatePath, work);
  git(work, 'checkout', '-q', '-b', 'agent/t1/fix');
  commitFile(work, 'fix.txt', 'the fix\n', 'agent: fix');
  git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/agent/t1/fix');
  git(work, 'checkout', '-q', 'feature/login');
  commitFile(work, 'login.txt', 'first try, reviewed\n', 'agent: review login');
  git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/feature/login');
  console.log('\n== a container pushed agent/t1/fix (new branch) and one commit on feature/login');

  // --- upstream force-pushes feature/login and moves main on ----------------------------------
  git(upstream, 'checkout', '-q', 'feature/login');
  git(upstream, 'reset', '-q', '--hard', base);
  commitFile(upstream, 'login.txt', 'second try\n', 'login: second try (rewritten)');
  git(upstream, 'checkout', '-q', 'main');
  commitFile(upstream, 'app.txt', 'v2\n', 'app v2');
  console.log('== upstream force-pushed feature/login and committed on main');
  const second = await gate.sync();
  printSync('second sync', second);

  // --- staleness: measured against upstream as it is now, not as of the last sync ------------
  commitFile(upstream, 'app.txt', 'v3\n', 'app v3');
  console.log('\n== upstream committed on main again (not synced); staleness():');
  printStaleness(await gate.staleness());

  // --- a human confirms the pending op --------------------------------------------------------
  console.log('\n== applying the pending op(s)');
  const applied = await gate.applyPendingOps(second.pending);
  for (const change of applied.applied) console.log(`  ${change.kind} ${change.branch}: ${short(change.oldSha)} -> ${short(change.newSha)}`);
  for (const backup of applied.backups) console.log(`  backup of ${backup.branch} at ${short(backup.sha)}: ${backup.ref}`);
  for (const refused of applied.refused) console.log(`  refused ${refused.branch}: ${refused.code}: ${refused.message}`);
  const backups = await gate.listBackups();
  console.log(`  the gate holds ${plural(backups.length, 'backup ref')}; restoreBackup(ref) puts a branch back`);
  printSync('third sync', await gate.sync());

  if (keep) console.log(`\nkept: ${root}\n  gate: ${gatePath}\n  clone cache: ${gate.cachePath}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await gate?.close();
  if (!keep) rmSync(root, { recursive: true, force: true });
}
