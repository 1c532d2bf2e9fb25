import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadGlobalConfig, loadProject, statePaths } from '../../src/config/index.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/config/', import.meta.url));

// Each example goes through the real loader, from a state root, as an operator would copy it.
function stateRootWith(file: string, as: string) {
  const paths = statePaths(mkdtempSync(path.join(os.tmpdir(), 'gate-examples-')));
  mkdirSync(paths.projectsDir, { recursive: true });
  copyFileSync(path.join(EXAMPLES, file), as === 'config.yaml' ? paths.globalConfig : path.join(paths.projectsDir, as));
  return paths;
}

describe('examples/config', () => {
  it('has the global config and one project per mode', () => {
    expect(readdirSync(EXAMPLES).sort()).toEqual(['config.yaml', 'gatekeeping.yaml', 'online.yaml', 'remoteless.yaml']);
  });

  it('config.yaml loads with every section set', async () => {
    const global = await loadGlobalConfig(stateRootWith('config.yaml', 'config.yaml'));
    expect(global).toMatchObject({ ssh: { usePersonal: false }, vault: { passphraseCommand: 'pass show git-gate/vault' }, git: { networkTimeoutMs: 600_000 }, log: { level: 'warn' } });
  });

  it.each([
    ['gatekeeping.yaml', 'webapp', 'gatekeeping'],
    ['online.yaml', 'docs-site', 'online'],
    ['remoteless.yaml', 'scratch', 'remoteless'],
  ])('%s loads as project %s in mode %s', async (file, name, mode) => {
    const paths = stateRootWith(file, `${name}.yaml`);
    const project = await loadProject(paths, name);
    expect(project.mode).toBe(mode);
    expect(project.upstream === null).toBe(mode === 'remoteless');
  });
});
