// Scenario 7: a bare clone of a gate through the daemon's HTTP git endpoint against `git clone
// --bare file://` of the same gate (upload-pack on both sides). Also the served-gate fixture that
// scenarios 8 and 9 share: a synced gate behind createGitEndpoint on a loopback node:http server.
import { readdir, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createGitEndpoint, createLogger, defaultPushPolicy, GitGate, hardenGitServer, TokenStore } from '../dist/index.js';
import { git, historyRepo } from './fixtures.mjs';
import { alternate, kib, ms, ratio } from './measure.mjs';

const COMMITS = 20_000;
// Scenario 3's history over 500 files instead of 2,000: fast-import of the wider tree takes a
// minute on a small VM, and the clone compared here is the same kind of work either way.
const FILES = 500;
const PROJECT = 'bench';
const GIB = 1024 ** 3;

// The endpoint's own account of each request it served (its debug line: bytes in and out), and
// what the server saw of each request before the endpoint did (method, URL, Git-Protocol, status).
// Debug logging costs one JSON line per request and per host-side git call: nothing beside a clone.
function requestLog() {
  const served = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.includes('git request served')) continue;
        try {
          const entry = JSON.parse(line);
          served.push({ project: entry.project, service: entry.service, advertise: entry.advertise, bytesIn: entry.bytesIn, bytesOut: entry.bytesOut });
        } catch {
          // not a JSON line; ignore
        }
      }
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), served, seen: [] };
}

/**
 * A gate synced from a 20,000-commit upstream (500 files, 20 branches, 10 tags), served by the
 * git endpoint on 127.0.0.1 (port 0) in this process, with a read and a write token for task
 * `bench`. More gates can be served next to it (scenario 9 pushes into a copy of this one).
 */
export async function servedGateFixture(root) {
  const upstream = await historyRepo(path.join(root, 'upstream-serve.git'), { commits: COMMITS, files: FILES, branches: 19, tags: 10 });
  const gatePath = path.join(root, 'serve-gate');
  const gate = new GitGate({ scope: PROJECT, gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true });
  const synced = await gate.sync();
  if (!synced.success) throw new Error(`sync of the served gate failed: ${JSON.stringify(synced.errors)}`);

  const tokens = new TokenStore(path.join(root, 'serve-state'));
  const gates = new Map();
  const log = requestLog();
  const endpoint = await createGitEndpoint({ tokens, logger: log.logger, hooksParent: root, resolveGate: (project) => gates.get(project) ?? null });
  const server = http.createServer((req, res) => {
    const seen = { method: req.method, url: req.url, protocol: req.headers['git-protocol'] ?? null, status: null };
    log.seen.push(seen);
    res.once('finish', () => (seen.status = res.statusCode));
    endpoint(req, res);
  });
  hardenGitServer(server);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();

  const fixture = {
    gatePath,
    log,
    /** Serves `gatePath` as `project` (default policy, pushes up to 2 GiB); returns read and write tokens. */
    async serve(project, servedPath) {
      gates.set(project, { gatePath: servedPath, mode: 'gatekeeping', policy: { ...defaultPushPolicy(), maxPushBytes: 2 * GIB } });
      const mint = async (capability) => (await tokens.mint({ project, task: 'bench', capability, ttlSeconds: 3600 })).token;
      return { read: await mint('read'), write: await mint('write') };
    },
    /** The remote URL a container would be given (token as the Basic-auth password). */
    url: (project, token) => `http://x:${token}@127.0.0.1:${port}/${project}.git`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
      await endpoint.close();
      await gate.close();
    },
  };
  fixture.tokens = await fixture.serve(PROJECT, gatePath);
  fixture.project = PROJECT;
  return fixture;
}

/** Size of the one pack a fresh bare clone holds. */
export async function packBytes(bareClone) {
  const dir = path.join(bareClone, 'objects', 'pack');
  let total = 0;
  for (const name of await readdir(dir)) if (name.endsWith('.pack')) total += (await stat(path.join(dir, name))).size;
  return total;
}

export async function scenarioServeClone(table, root, fx, { iterations = 7 } = {}) {
  const httpUrl = fx.url(fx.project, fx.tokens.read);
  const fileUrl = `file://${fx.gatePath}`;
  let serial = 0;
  const cloneCase = (name, url) => ({
    name,
    setup: () => path.join(root, `serve-clone-${name}-${++serial}.git`),
    run: (dir) => git(['clone', '--bare', '--quiet', url, dir]),
    teardown: (dir) => rm(dir, { recursive: true, force: true }),
  });
  const results = await alternate([cloneCase('gate', httpUrl), cloneCase('raw', fileUrl)], { iterations, warmup: 1 });

  // One untimed clone each way, for what travelled: requests, protocol, pack.
  const seenBefore = fx.log.seen.length;
  const servedBefore = fx.log.served.length;
  const httpClone = path.join(root, 'serve-clone-profile-http.git');
  await git(['clone', '--bare', '--quiet', httpUrl, httpClone]);
  const seen = fx.log.seen.slice(seenBefore);
  const sent = fx.log.served.slice(servedBefore).reduce((sum, r) => sum + r.bytesOut, 0);
  const httpPack = await packBytes(httpClone);
  const fileClone = path.join(root, 'serve-clone-profile-file.git');
  await git(['clone', '--bare', '--quiet', fileUrl, fileClone]);
  const filePack = await packBytes(fileClone);
  await Promise.all([rm(httpClone, { recursive: true, force: true }), rm(fileClone, { recursive: true, force: true })]);
  const protocols = [...new Set(seen.map((r) => r.protocol ?? 'none'))].join(', ');
  const requests = seen.map((r) => `${r.method} ${r.url.replace(/^\/[^/]+\.git\//, '').replace(/\?service=.*$/, '')} ${r.status}`).join(', ');

  const g = results.gate.median;
  const r = results.raw.median;
  table.add({ scenario: '7', measure: `bare clone of a gate (${COMMITS / 1000}k commits) over HTTP`, gate: ms(g), raw: ms(r), ratio: ratio(g / r), target: 'gate/raw <= 1.20x', pass: g / r <= 1.2 });
  table.add({ scenario: '7', measure: '  same: pack received', gate: kib(Math.round(httpPack / 1024)), raw: kib(Math.round(filePack / 1024)), ratio: ratio(httpPack / filePack), target: '-', pass: null });
  table.note(`[7] gate = git clone --bare http://x:<read token>@127.0.0.1:<port>/${fx.project}.git (the endpoint in the bench process); raw = git clone --bare file://<gate> (upload-pack too, no HTTP); median of ${iterations} alternating runs after 1 warm-up.`);
  table.note(`[7] one untimed HTTP clone: Git-Protocol ${protocols}; ${seen.length} requests (${requests}); the endpoint sent ${kib(Math.round(sent / 1024))} in all.`);
}
