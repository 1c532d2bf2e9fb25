import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, utimes } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, GitGate } from '../../src/index.js';
import { gateOnLocalUpstream } from '../helpers/gate-fixture.js';
import { allRefs, git, headsOf } from '../helpers/git-fixture.js';

/** A logger that records the verb of every git process the runner ran. */
function verbRecorder(): { logger: ReturnType<typeof createLogger>; verbs: string[] } {
  const verbs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        const entry = JSON.parse(line) as { msg?: string; verb?: string };
        if (entry.msg === 'git' && typeof entry.verb === 'string') verbs.push(entry.verb);
      }
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), verbs };
}

describe('sync basics', () => {
  it('creates a gate whose branches match upstream and whose snapshot is hidden', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    const feature = await upstream.commit('feature', 'feature work');
    const main = await upstream.sha('main');
    const result = await gate.sync();
    expect(result.errors).toEqual([]);
    expect(result.success).toBe(true);
    expect(result.created).toBe(true);
    expect(result.applied).toEqual([
      { branch: 'feature', kind: 'create', oldSha: null, newSha: feature },
      { branch: 'main', kind: 'create', oldSha: null, newSha: main },
    ]);
    expect(await headsOf(gatePath)).toEqual(new Map([['feature', feature], ['main', main]]));
    const refs = await allRefs(gatePath);
    expect(refs.get('refs/gate/upstream/main')).toBe(main);
    // Containers never see the hidden namespace.
    const advertised = await git(gatePath, 'ls-remote', gatePath);
    expect(advertised).not.toContain('refs/gate/');
    expect(advertised).toContain('refs/heads/main');
    // A new gate's refs are packed: one packed-refs file, no loose ref files.
    const packed = await readFile(path.join(gatePath, 'packed-refs'), 'utf8');
    expect(packed).toContain(`${main} refs/heads/main`);
    expect(packed).toContain(`${main} refs/gate/upstream/main`);
    expect(existsSync(path.join(gatePath, 'refs', 'heads', 'main'))).toBe(false);
  });

  // The first full sync takes its objects by `clone --bare` (no connectivity walk after the pack is
  // indexed); what it leaves must be exactly what the init + fetch path leaves.
  it('a first full sync clones, and leaves the refs, tags, HEAD and config of any gate; a selective one fetches only its branch', async () => {
    const { logger, verbs } = verbRecorder();
    const { upstream, gatePath, root } = await gateOnLocalUpstream();
    const feature = await upstream.commit('feature', 'feature work');
    await upstream.tag('v1', 'main');
    await upstream.setHead('feature');
    const main = await upstream.sha('main');
    const gate = new GitGate({ scope: 'demo', gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true, logger });
    const result = await gate.sync();
    expect(result.errors).toEqual([]);
    expect(verbs).toContain('clone');
    expect(verbs).not.toContain('init');
    expect(result.applied.map((c) => [c.branch, c.kind, c.newSha])).toEqual([['feature', 'create', feature], ['main', 'create', main]]);
    expect(result.tags.created).toEqual(['v1']);
    const refs = await allRefs(gatePath);
    expect([...refs.keys()].sort()).toEqual(['refs/gate/upstream/feature', 'refs/gate/upstream/main', 'refs/heads/feature', 'refs/heads/main', 'refs/tags/v1']);
    expect((await readFile(path.join(gatePath, 'HEAD'), 'utf8')).trim()).toBe('ref: refs/heads/feature');
    const config = await git(gatePath, 'config', '--local', '--list');
    expect(config).not.toMatch(/^remote\./m);
    expect(config).toContain('transfer.hiderefs=refs/gate');
    expect(config).toContain('gate.scope=demo');
    expect((await readdir(path.dirname(gatePath))).filter((name) => name.includes('.tmp-'))).toEqual([]);

    const { logger: logger2, verbs: verbs2 } = verbRecorder();
    const selectivePath = path.join(root, 'gates', 'selective.git');
    const selective = new GitGate({ scope: 'selective', gatePath: selectivePath, upstreamUrl: upstream.dir, allowLocalUpstream: true, logger: logger2 });
    const picked = await selective.sync({ branches: ['main'] });
    expect(picked.errors).toEqual([]);
    expect(verbs2).not.toContain('clone');
    expect(await headsOf(selectivePath)).toEqual(new Map([['main', main]]));
    expect(await git(selectivePath, 'cat-file', '-t', feature).catch(() => 'missing')).toBe('missing');
  });

  // clone copies upstream's HEAD, which may be detached (a mirror, a CI checkout); a gate's HEAD must
  // always name a branch, as `init --initial-branch` made it before.
  it('a first sync from an upstream whose HEAD is detached points the gate HEAD at a branch', async () => {
    const { upstream, gatePath, root } = await gateOnLocalUpstream();
    const dev = await upstream.commit('dev', 'dev work');
    await git(upstream.dir, 'checkout', '-q', '--detach', dev);
    const gate = new GitGate({ scope: 'demo', gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true, defaultBranch: 'dev' });
    expect((await gate.sync()).errors).toEqual([]);
    expect((await readFile(path.join(gatePath, 'HEAD'), 'utf8')).trim()).toBe('ref: refs/heads/dev');
    const other = path.join(root, 'gates', 'other.git');
    expect((await new GitGate({ scope: 'other', gatePath: other, upstreamUrl: upstream.dir, allowLocalUpstream: true }).sync()).errors).toEqual([]);
    expect((await readFile(path.join(other, 'HEAD'), 'utf8')).trim()).toBe('ref: refs/heads/main');
  });

  // A first sync killed mid-clone leaves a temp directory holding a whole pack: the next locked
  // operation removes it (the owner is known dead) before it builds the gate again.
  it('removes the temp directory of a killed gate creation', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await upstream.commit('main', 'more');
    const leftover = `${gatePath}.tmp-0123456789ab`;
    const unrelated = `${gatePath}.tmp-notours`;
    await mkdir(path.dirname(gatePath), { recursive: true });
    await mkdir(unrelated);
    await git(path.dirname(gatePath), 'init', '-q', '--bare', leftover);
    // An old mtime stands in for a dead owner: a fresh one could belong to a live sync elsewhere.
    const old = new Date(Date.now() - 2 * 60 * 60_000);
    await utimes(leftover, old, old);
    expect((await gate.sync()).success).toBe(true);
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(unrelated)).toBe(true);
  });

  it('fast-forwards with the real shas and reports a no-op sync as such', async () => {
    const { upstream, gate, gatePath } = await gateOnLocalUpstream();
    await gate.sync();
    const before = await upstream.sha('main');
    const after = await upstream.commit('main');
    const result = await gate.sync();
    expect(result.applied).toEqual([{ branch: 'main', kind: 'fast_forward', oldSha: before, newSha: after }]);
    expect((await headsOf(gatePath)).get('main')).toBe(after);
    const again = await gate.sync();
    expect(again.applied).toEqual([]);
    expect(again.fetched).toBe(false);
    expect(again.success).toBe(true);
  });

  it('hands the fetch progress of git to onProgress as sanitised lines, on the first sync and on a later one', async () => {
    const { upstream, gate } = await gateOnLocalUpstream();
    const first: string[] = [];
    expect((await gate.sync({ onProgress: (line) => first.push(line) })).success).toBe(true);
    expect(first.some((line) => /objects: +100%/.test(line)), first.join('\n')).toBe(true);
    // The first sync clones into a temp directory, which is no business of the reader's.
    expect(first.filter((line) => line.includes('.tmp-'))).toEqual([]);
    await upstream.commit('main', 'more');
    const later: string[] = [];
    expect((await gate.sync({ onProgress: (line) => later.push(line) })).success).toBe(true);
    expect(later.some((line) => /objects/.test(line)), later.join('\n')).toBe(true);
    // eslint-disable-next-line no-control-regex -- asserting control bytes are absent
    expect([...first, ...later].every((line) => !/[\x00-\x1f]/.test(line))).toBe(true);
  });
});

