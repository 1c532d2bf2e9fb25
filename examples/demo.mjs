// git-gate demo: `npm run demo` (builds first). Needs no network and no service: everything
// happens in a temp directory, removed at the end unless you pass --keep.
//
// 1. makes an upstream repository (two branches, a tag) and syncs a gate from it;
// 2. a "container" pushes its own branch, and a commit on a mirrored branch, into the gate;
// 3. upstream force-pushes that branch and adds a commit on main; the gate syncs again:
//    main fast-forwards, the force-push waits as a pending op, the container's branch stays;
// 4. upstream moves again, and staleness() measures every branch against upstream as it is now;
// 5. the pending op is applied: a backup ref keeps the commit it takes off the branch;
// 6. the gate is served to a second "container" as `gate serve` does: the git endpoint on a
//    loopback port, a token for one task; its own branch is accepted, main is refused.
import { execFile, execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let lib;
try {
  lib = await import('git-gate'); // the package refers to itself through its exports
} catch {
  lib = await import('../dist/index.js');
}
const { createGitEndpoint, GitGate, hardenGitServer, pushPolicyFromConfig, TokenStore } = lib;

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

// Git against the in-process endpoint must not block the event loop that serves it: async, and
// resolving with the exit code and stderr (a refused push is an expected outcome).
function gitAsync(cwd, ...args) {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_ALLOW_PROTOCOL: 'http', LC_ALL: 'C' } }, (error, _stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
    });
  });
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

  // --- serving the gate to a container, as `gate serve` does ---------------------------------
  const tokens = new TokenStore(state);
  const { token } = await tokens.mint({ project: 'demo', task: 't2', capability: 'write', ttlSeconds: 600 });
  const policy = pushPolicyFromConfig({ namespace: 'refs/heads/agent/{task}/', rules: [], maxPushBytes: null });
  const endpoint = await createGitEndpoint({ tokens, resolveGate: (name) => (name === 'demo' ? { gatePath, mode: 'gatekeeping', policy } : null) });
  const server = http.createServer(endpoint);
  hardenGitServer(server);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    // The container holds nothing but this URL (the token is shown here only because it is a demo).
    const url = `http://t2:${token}@127.0.0.1:${server.address().port}/demo.git`;
    console.log(`\n== a second container clones through the git endpoint (http://127.0.0.1:${server.address().port}/demo.git, token for task t2)`);
    const second = path.join(root, 'container-2');
    const cloned = await gitAsync(root, 'clone', '-q', url, second);
    if (cloned.status !== 0) throw new Error(`clone through the endpoint failed: ${cloned.stderr}`);
    commitFile(second, 'docs.txt', 'docs\n', 'agent: docs');
    const own = await gitAsync(second, 'push', '-q', 'origin', 'HEAD:refs/heads/agent/t2/docs');
    console.log(`  push to agent/t2/docs: ${own.status === 0 ? 'accepted' : `failed (${own.stderr.trim()})`}`);
    const refused = await gitAsync(second, 'push', 'origin', 'HEAD:main');
    console.log(`  push to main: ${refused.status === 0 ? 'ACCEPTED (unexpected)' : 'refused; git showed:'}`);
    for (const line of refused.stderr.split('\n').filter((l) => l.startsWith('remote: git-gate:'))) console.log(`    ${line.trimEnd()}`);
  } finally {
    server.close();
    await endpoint.close();
  }

  if (keep) console.log(`\nkept: ${root}\n  gate: ${gatePath}\n  clone cache: ${gate.cachePath}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await gate?.close();
  if (!keep) rmSync(root, { recursive: true, force: true });
}
