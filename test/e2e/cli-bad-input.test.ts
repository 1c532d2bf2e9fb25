import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHome, expectNoStackTrace, expectUserError } from '../helpers/cli-fixture.js';
import { tempDir, Upstream } from '../helpers/git-fixture.js';

async function withProjectFile(name: string, text: string) {
  const cli = await cliHome();
  await mkdir(path.join(cli.root, 'projects'), { recursive: true });
  await writeFile(path.join(cli.root, 'projects', `${name}.yaml`), text);
  return cli;
}

describe.concurrent('bad input: one error line with a code and a fix, nothing changed', () => {
  it('an unknown project', async () => {
    const cli = await cliHome();
    for (const command of [['sync', 'nope'], ['status', 'nope'], ['plan', 'nope'], ['pending', 'nope'], ['path', 'nope'], ['backups', 'nope']]) {
      const run = await cli.gate(...command);
      expectUserError(run, 'GATE_PROJECT_NOT_FOUND');
      expect(run.stderr).toContain('no project named nope');
      expect(run.stderr).toContain('gate init nope');
    }
  });

  it('bad project names, traversal included, are refused before anything is written', async () => {
    const cli = await cliHome();
    for (const name of ['../x', 'A', 'a/b', '.hidden', '-x', 'x'.repeat(64)]) {
      // After "--" a leading dash is a name, not an option.
      const run = await cli.gate('init', '--upstream', 'https://example.com/r.git', '--', name);
      expectUserError(run, 'GATE_SCOPE_INVALID');
      expect(run.stderr).toContain('is not allowed');
    }
    expectUserError(await cli.gate('sync', '../../etc/passwd'), 'GATE_SCOPE_INVALID');
    expect(existsSync(cli.root)).toBe(false);
  });

  it('an unknown YAML key names the file, line, key and the keys that are allowed', async () => {
    const cli = await withProjectFile('demo', 'name: demo\nupstream:\n  url: https://example.com/r.git\n  defualt_branch: main\n');
    const run = await cli.gate('sync', 'demo');
    expectUserError(run, 'GATE_CONFIG_INVALID');
    expect(run.stderr).toMatch(/projects\/demo\.yaml:4:3: upstream\.defualt_branch: unknown key "defualt_branch"; expected one of: url, default_branch, allow_local/);
  });

  it('a duplicate key, a wrong type and an alias bomb are refused with their line', async () => {
    const dup = await withProjectFile('demo', 'name: demo\nmode: remoteless\nmode: online\n');
    const dupRun = await dup.gate('status', 'demo');
    expectUserError(dupRun, 'GATE_CONFIG_INVALID');
    expect(dupRun.stderr).toMatch(/demo\.yaml:3:1: Map keys must be unique/);

    const typed = await withProjectFile('demo', 'name: demo\ncache:\n  enabled: "yes"\n');
    const typedRun = await typed.gate('path', 'demo');
    expectUserError(typedRun, 'GATE_CONFIG_INVALID');
    expect(typedRun.stderr).toContain('demo.yaml:3:12: cache.enabled: expected true or false, got the string "yes", for example true');

    const bomb = ['name: demo', 'a: &a ["x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b]', 'd: [*c,*c,*c,*c,*c,*c,*c,*c]'].join('\n');
    const bombRun = await (await withProjectFile('demo', bomb)).gate('sync', 'demo');
    expectUserError(bombRun, 'GATE_CONFIG_INVALID');
    expect(bombRun.stderr).toContain('too many alias expansions');
  });

  it('a mode that contradicts the upstream, and a name that is not the file name', async () => {
    const mode = await (await withProjectFile('demo', 'name: demo\nmode: remoteless\nupstream:\n  url: https://example.com/r.git\n')).gate('sync', 'demo');
    expectUserError(mode, 'GATE_CONFIG_INVALID');
    expect(mode.stderr).toContain('demo.yaml:2:7: mode: a remoteless project has no upstream');
    const name = await (await withProjectFile('demo', '# a comment\nname: other\n')).gate('sync', 'demo');
    expectUserError(name, 'GATE_CONFIG_INVALID');
    expect(name.stderr).toContain('demo.yaml:2:7: name: must equal the file name "demo"');
  });

  it('hostile upstream URLs are refused; a password is never echoed; no project file is written', async () => {
    const cli = await cliHome();
    for (const url of ['--upload-pack=touch /tmp/pwned', 'ext::sh -c touch% /tmp/pwned', 'https://user:s3cretpassw0rd@example.com/r.git', 'ssh://-oProxyCommand=x/r']) {
      const run = await cli.gate('init', 'demo', `--upstream=${url}`);
      expectUserError(run, 'GATE_UPSTREAM_URL_INVALID');
      expect(run.stderr).not.toContain('s3cretpassw0rd');
      const probe = await cli.gate('probe', url);
      expect(probe.code).toBe(url.startsWith('-') ? 2 : 1);
      expect(probe.stderr).not.toContain('s3cretpassw0rd');
      expectNoStackTrace(probe);
    }
    expect(await readdir(path.join(cli.root, 'projects')).catch(() => [])).toEqual([]);
    const local = await cli.gate('init', 'demo', '--upstream', '/srv/repo.git');
    expectUserError(local, 'GATE_UPSTREAM_LOCAL_NOT_ALLOWED');
  });

  it('a symlink inside the state root is refused', async () => {
    const cli = await cliHome();
    const elsewhere = await tempDir('gate-elsewhere-');
    await mkdir(cli.root, { recursive: true });
    await symlink(elsewhere, path.join(cli.root, 'projects'));
    const run = await cli.gate('init', 'demo');
    expectUserError(run, 'GATE_UNSAFE_PATH');
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('usage errors exit 2 with GATE_USAGE: unknown option, unknown command, missing argument, conflicting flags', async () => {
    const cli = await cliHome();
    const unknownOption = await cli.gate('sync', 'demo', '--bogus');
    expectUserError(unknownOption, 'GATE_USAGE', 2);
    expect(unknownOption.stderr).toContain("unknown option '--bogus'");
    expect(unknownOption.stderr).toContain('gate sync --help');
    expectUserError(await cli.gate('snyc', 'demo'), 'GATE_USAGE', 2);
    expectUserError(await cli.gate('sync'), 'GATE_USAGE', 2);
    expectUserError(await cli.gate('init', 'demo', '--mode', 'sideways'), 'GATE_USAGE', 2);
    expectUserError(await cli.gate('apply', 'demo'), 'GATE_USAGE', 2);
    expectUserError(await cli.gate('backups', 'demo', 'explode'), 'GATE_USAGE', 2);
    expectUserError(await cli.gate('backups', 'demo', 'prune', '--older-than', 'soon'), 'GATE_USAGE', 2);
    const bare = await cli.gate();
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: gate');
  });

  it('an existing project is not overwritten without --force; --json errors are JSON on stdout', async () => {
    const cli = await cliHome();
    const upstream = await Upstream.create(await tempDir('gate-up-'));
    expect((await cli.gate('init', 'demo', '--upstream', upstream.dir, '--allow-local')).code).toBe(0);
    const again = await cli.gate('init', 'demo');
    expectUserError(again, 'GATE_PROJECT_EXISTS');
    const forced = await cli.json('init', 'demo', '--force');
    expect(forced.body).toMatchObject({ project: { name: 'demo', mode: 'remoteless' } });
    const missing = await cli.json('sync', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.body).toEqual({ schemaVersion: 1, command: 'sync', error: { code: 'GATE_PROJECT_NOT_FOUND', message: expect.stringContaining('nope'), fix: expect.any(String), details: { project: 'nope' } } });
  });
});
