// Embedding git-gate in an orchestrator: the calls a program that starts containers makes.
//
//   npm run build && node examples/embed.mjs [/absolute/path/to/a/local/repository] [--keep]
//
// With a path, that repository is the upstream; it is only read (git-gate never fetches into,
// checks out or reconfigures a local upstream). Without one, a small temp upstream is made.
// The gate, its clone cache and the seeded workspace live in a temp state directory that is
// removed at the end unless --keep is given.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let GitGate;
try {
  ({ GitGate } = await import('git-gate'));
} catch {
  ({ GitGate } = await import('../dist/index.js'));
}

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const given = args.find((arg) => !arg.startsWith('--'));
const root = mkdtempSync(path.join(os.tmpdir(), 'git-gate-embed-'));

// Only used to make a throw-away upstream when none is given: isolated from the user's config.
function makeUpstream(dir) {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Example', GIT_AUTHOR_EMAIL: 'example@example.invalid',
    GIT_COMMITTER_NAME: 'Example', GIT_COMMITTER_EMAIL: 'example@example.invalid',
  };
  const git = (...argv) => execFileSync('git', ['-c', 'init.defaultBranch=main', ...argv], { cwd: dir, env, stdio: 'ignore' });
  mkdirSync(dir, { recursive: true });
  git('init', '-q');
  writeFileSync(path.join(dir, 'README'), 'example\n');
  git('add', 'README');
  git('commit', '-q', '-m', 'initial commit');
  return dir;
}

const upstreamPath = given ? path.resolve(given) : makeUpstream(path.join(root, 'upstream'));
const stateRoot = path.join(root, 'state');

// One GitGate per scope (project). Construction validates the options and touches nothing on
// disk; bad input throws a GateError with a stable `code` and a `fix`.
const gate = new GitGate({
  scope: 'example',
  gatePath: path.join(stateRoot, 'gates', 'example.git'),
  upstreamUrl: upstreamPath,
  allowLocalUpstream: true, // local paths are refused unless enabled explicitly
  stateRoot,                // a local upstream may never point inside the state directory
  cloneCacheBase: path.join(stateRoot, 'cache'),
  // logger: createLogger({ level: 'info' }), // the library is silent unless given a logger
});

try {
  // sync() does not throw for upstream or git trouble: it reports it in result.errors, each
  // with a stable code and a fix. Concurrent calls share one running sync (plus one queued).
  const result = await gate.sync();
  if (!result.success) {
    for (const error of result.errors) console.error(`${error.code}: ${error.message}\n  fix: ${error.fix}`);
    process.exitCode = 1;
  } else {
    console.log(`synced ${gate.scope}: ${result.applied.length} branch change(s) applied, ${result.pending.length} pending, cache version ${result.cache.version}`);

    // Pending ops are destructive upstream changes (force-pushes, deletions) that sync never
    // applies on its own. pendingOps() lists them again later without the network. Show them to
    // a human; apply only what they confirm, with gate.applyPendingOps(confirmedOps): each op
    // must still match the gate, and gets a backup ref before its branch moves.
    for (const op of await gate.pendingOps()) {
      console.log(`pending ${op.kind} of ${op.branch} (${op.reason}): ${op.lossless ? 'lossless' : `would discard ${op.gateOnlyCommits} gate-local commit(s)`}`);
    }

    // A new container gets a workspace copied from the clone cache (no clone over the network).
    // originUrl is what the container will fetch from and push to: the gate as the container
    // reaches it (here the gate's path; in production, the daemon's git endpoint for the scope).
    const workspace = path.join(root, 'workspaces', 'task-1');
    await gate.seedWorkspace(workspace, { originUrl: gate.gatePath });
    console.log(`seeded workspace ${workspace} from ${gate.cachePath}`);

    // Staleness compares each branch with upstream as it is now (one fetch into a hidden
    // namespace; nothing visible changes). Problems are reported per row in `error`.
    for (const row of await gate.staleness()) {
      const counts = row.error ? `${row.error.code}` : `behind ${row.commitsBehind ?? '-'}, ahead ${row.commitsAhead ?? '-'}`;
      console.log(`  ${row.branch}: ${counts}${row.isStale ? ' (stale)' : ''}`);
    }

    const last = await gate.lastCommit();
    if (last) console.log(`HEAD branch ${last.branch} is at ${last.sha.slice(0, 10)} "${last.subject}"`);
  }
} finally {
  // close() makes the instance refuse further calls (GATE_CLOSED); the gate stays on disk.
  await gate.close();
  if (keep) console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
