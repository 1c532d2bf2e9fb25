import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliHome } from '../helpers/cli-fixture.js';
import { git, tempDir, Upstream } from '../helpers/git-fixture.js';

const BIN = fileURLToPath(new URL('../../bin/gate.js', import.meta.url));
// util-linux `script` gives the command a real pseudo-terminal, as an operator's shell would.
const SCRIPT = '/usr/bin/script';

async function onTerminal(root: string, home: string, answer: string, env: Record<string, string>, ...args: string[]) {
  const command = ['node', BIN, ...args].map((arg) => `'${arg}'`).join(' ');
  const run = await execa(SCRIPT, ['-qec', command, '/dev/null'], {
    input: `${answer}\n`, reject: false, extendEnv: false,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, GATE_HOME: root, TERM: 'xterm', ...env },
  });
  return { code: run.exitCode, output: String(run.stdout).replace(/\r/g, '') };
}

async function rewrittenProject() {
  const cli = await cliHome();
  const upstream = await Upstream.create(await tempDir('gate-up-'));
  const base = await upstream.sha('main');
  await upstream.commit('feature');
  await git(upstream.dir, 'checkout', '-q', 'main');
  expect((await cli.gate('init', 'demo', '--upstream', upstream.dir, '--allow-local')).code).toBe(0);
  expect((await cli.gate('sync', 'demo')).code).toBe(0);
  const rewritten = await upstream.rewrite('feature', base);
  await git(upstream.dir, 'checkout', '-q', 'main');
  return { cli, rewritten, gatePath: `${cli.root}/gates/demo.git` };
}

if (!existsSync(SCRIPT)) console.warn(`terminal tests skipped: ${SCRIPT} (util-linux script, for a pseudo-terminal) is missing; install bsdutils`);

describe.skipIf(!existsSync(SCRIPT)).concurrent('gate sync on a terminal', () => {
  it('asks before applying pending changes; "y" applies them with a backup, exit 0', async () => {
    const { cli, rewritten, gatePath } = await rewrittenProject();
    const run = await onTerminal(cli.root, cli.home, 'y', { NO_COLOR: '1' }, 'sync', 'demo');
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/^syncing demo from \S+ …$/m);
    expect(run.output).toContain('Apply 1 pending destructive change(s)? Each branch\'s old tip is backed up first. [y/N]');
    expect(run.output).toMatch(/^ {2}feature +\S+ → \S+ +backup refs\/gate\/backup\/feature\//m);
    expect(run.output).not.toContain('\x1b[1m');
    expect(await git(gatePath, 'rev-parse', 'refs/heads/feature')).toBe(rewritten);
  });

  it('anything but yes leaves them pending, says how to apply them, exit 3; colour is used without NO_COLOR', async () => {
    const { cli, rewritten, gatePath } = await rewrittenProject();
    const run = await onTerminal(cli.root, cli.home, 'n', {}, 'sync', 'demo');
    expect(run.code, run.output).toBe(3);
    expect(run.output).toContain('\x1b[33mpending destructive changes\x1b[39m (1):');
    expect(run.output).toContain('`gate apply demo --all` (or --branch B), or run `gate sync demo --destructive`');
    expect(await git(gatePath, 'rev-parse', 'refs/heads/feature')).not.toBe(rewritten);
  });

  it('shows the fetch progress of git on a terminal, and none when stderr is not one', async () => {
    const cli = await cliHome();
    const upstream = await Upstream.create(await tempDir('gate-up-'));
    expect((await cli.gate('init', 'demo', '--upstream', upstream.dir, '--allow-local')).code).toBe(0);
    expect((await cli.gate('init', 'piped', '--upstream', upstream.dir, '--allow-local')).code).toBe(0);
    const run = await onTerminal(cli.root, cli.home, '', { NO_COLOR: '1' }, 'sync', 'demo');
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/objects: +100%/);
    const piped = await cli.gate('sync', 'piped');
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toMatch(/objects:/);
    expect(piped.stdout).not.toMatch(/objects:/);
  });
});

