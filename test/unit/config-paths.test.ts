import { mkdirSync, mkdtempSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertProjectName, containedPath, defaultGatePath, ensureStateDirs, knownHostsFileFor, PROJECT_NAME_PATTERN, projectFile, resolveStateRoot,
  statePaths, syncRecordFile, vaultDirFor,
} from '../../src/config/index.js';
import { SCOPE_PATTERN } from '../../src/gate/index.js';

describe('state root precedence', () => {
  const env = { GATE_HOME: '/g', XDG_DATA_HOME: '/xdg', HOME: '/home/u' };
  it('--home wins over GATE_HOME, which wins over XDG_DATA_HOME, which wins over ~/.local/share', () => {
    expect(resolveStateRoot({ home: '/h', env })).toBe('/h');
    expect(resolveStateRoot({ env })).toBe('/g');
    expect(resolveStateRoot({ env: { ...env, GATE_HOME: '' } })).toBe('/xdg/git-gate');
    expect(resolveStateRoot({ env: { HOME: '/home/u' } })).toBe('/home/u/.local/share/git-gate');
  });

  it('a relative --home is resolved against the working directory; a relative XDG_DATA_HOME is ignored', () => {
    expect(resolveStateRoot({ home: 'state', env })).toBe(path.resolve('state'));
    expect(resolveStateRoot({ env: { XDG_DATA_HOME: 'rel', HOME: '/home/u' } })).toBe('/home/u/.local/share/git-gate');
  });
});

describe('state layout', () => {
  it('statePaths names every place under the root', () => {
    expect(statePaths('/s')).toEqual({
      root: '/s', globalConfig: '/s/config.yaml', projectsDir: '/s/projects', gatesDir: '/s/gates', cacheDir: '/s/cache',
      vaultDir: '/s/vault', knownHostsDir: '/s/known_hosts', recordsDir: '/s/state',
    });
  });

  it('per-project paths validate the name before touching anything', () => {
    const paths = statePaths('/nonexistent-root');
    expect(projectFile(paths, 'demo')).toBe('/nonexistent-root/projects/demo.yaml');
    expect(defaultGatePath(paths, 'demo')).toBe('/nonexistent-root/gates/demo.git');
    expect(syncRecordFile(paths, 'demo')).toBe('/nonexistent-root/state/demo.json');
    expect(vaultDirFor(paths, 'demo')).toBe('/nonexistent-root/vault/demo');
    expect(knownHostsFileFor(paths, 'demo')).toBe('/nonexistent-root/known_hosts/demo');
    for (const bad of ['../x', 'a/b', 'A', '', '.x', '-x', 'x'.repeat(64), 'a\nb', 'a b']) {
      expect(() => projectFile(paths, bad), bad).toThrow(expect.objectContaining({ code: 'GATE_SCOPE_INVALID' }));
    }
    expect(assertProjectName('a.b_c-1')).toBe('a.b_c-1');
  });

  it('the project name pattern is the scope pattern', () => {
    expect(PROJECT_NAME_PATTERN.source).toBe(SCOPE_PATTERN.source);
  });

  it('ensureStateDirs creates private directories', () => {
    const root = path.join(mkdtempSync(path.join(os.tmpdir(), 'gate-paths-')), 'state');
    const paths = statePaths(root);
    ensureStateDirs(paths);
    for (const dir of [root, paths.projectsDir, paths.gatesDir, paths.cacheDir, paths.recordsDir]) expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('a symlink below the root is refused, a symlinked root is followed, and nothing may leave the root', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'gate-paths-'));
    const real = path.join(base, 'real');
    mkdirSync(path.join(real, 'projects'), { recursive: true });
    symlinkSync(real, path.join(base, 'link'));
    expect(containedPath(path.join(base, 'link'), path.join(base, 'link', 'projects', 'x.yaml'))).toBe(path.join(real, 'projects', 'x.yaml'));

    mkdirSync(path.join(base, 'other'));
    symlinkSync(path.join(base, 'other'), path.join(real, 'gates'));
    expect(() => defaultGatePath(statePaths(real), 'demo')).toThrow(expect.objectContaining({ code: 'GATE_UNSAFE_PATH', message: expect.stringContaining('is a symlink') }));
    expect(() => ensureStateDirs(statePaths(real))).toThrow(expect.objectContaining({ code: 'GATE_UNSAFE_PATH' }));
    expect(() => containedPath(real, path.join(real, '..', 'escape'))).toThrow(expect.objectContaining({ code: 'GATE_UNSAFE_PATH', message: expect.stringContaining('outside the state root') }));
  });
});
