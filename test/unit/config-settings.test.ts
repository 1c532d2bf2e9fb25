import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertGatePathUnshared, effectiveSettings, type GlobalConfig, loadGlobalConfig, parseConfigYaml, parseProjectText,
  type ProjectConfig, readSyncRecord, resolveUsePersonalSsh, statePaths, writeSyncRecord,
} from '../../src/config/index.js';
import { buildGateOptions } from '../../src/gate/project-options.js';
import { silentLogger } from '../../src/log/index.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'gate-settings-'));
const paths = statePaths(root);
const project = (text: string, name = 'demo'): ProjectConfig => parseProjectText(paths, parseConfigYaml(`${name}.yaml`, `name: ${name}\n${text}`), name);
const defaults = await loadGlobalConfig(paths);
const withGlobal = (over: { usePersonal?: boolean; cache?: boolean; timeout?: number | null }): GlobalConfig => ({
  ...defaults,
  ssh: { usePersonal: over.usePersonal ?? false },
  defaults: { backups: { enabled: true, retentionDays: 30 }, cache: { enabled: over.cache ?? true } },
  git: { networkTimeoutMs: over.timeout ?? null },
});

describe('personal SSH precedence: --use-personal-ssh > project > global > false', () => {
  const cases: Array<[boolean | undefined, boolean | null, boolean, boolean]> = [
    [undefined, null, false, false],
    [undefined, null, true, true],
    [undefined, false, true, false],
    [undefined, true, false, true],
    [true, false, false, true],
    [true, null, false, true],
  ];
  it.each(cases)('flag %s, project %s, global %s → %s', (flag, projectValue, globalValue, expected) => {
    expect(resolveUsePersonalSsh({ usePersonalSsh: flag }, { ssh: { usePersonal: projectValue, hostKeys: [] } }, { ssh: { usePersonal: globalValue } })).toBe(expected);
  });
  it('without a project (probe) the global value applies', () => {
    expect(resolveUsePersonalSsh({}, null, { ssh: { usePersonal: true } })).toBe(true);
  });
});

describe('effective settings and GitGate options', () => {
  it('project values win over global defaults, which win over built-ins', () => {
    expect(effectiveSettings(project(''), withGlobal({ cache: false }))).toEqual({ usePersonalSsh: false, backups: { enabled: true, retentionDays: 30 }, cacheEnabled: false });
    expect(effectiveSettings(project('cache: {enabled: true}\ngate: {backups: {retention_days: 5}}\n'), withGlobal({ cache: false }))).toEqual({ usePersonalSsh: false, backups: { enabled: true, retentionDays: 5 }, cacheEnabled: true });
  });

  it('buildGateOptions maps a gatekeeping project with every setting', () => {
    const logger = silentLogger();
    const pin = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s';
    const options = buildGateOptions(paths, project(`upstream:\n  url: git@example.com:o/r.git\n  default_branch: trunk\nssh: {use_personal: true, host_keys: ["${pin}"]}\n`), withGlobal({ timeout: 5000 }), {}, logger);
    expect(options).toEqual({
      scope: 'demo', gatePath: path.join(root, 'gates', 'demo.git'), stateRoot: root, usePersonalSsh: true, backups: { enabled: true, retentionDays: 30 },
      upstreamUrl: 'git@example.com:o/r.git', allowLocalUpstream: false, defaultBranch: 'trunk', cloneCacheBase: path.join(root, 'cache'), networkTimeoutMs: 5000, logger,
      credentials: { vaultDir: path.join(root, 'vault', 'demo'), knownHostsFile: path.join(root, 'known_hosts', 'demo'), hostKeys: [pin], passphrase: {} },
    });
  });

  it('a remoteless project without a cache gets no upstream and no cache base', () => {
    const options = buildGateOptions(paths, project('cache: {enabled: false}\n'), withGlobal({}), {});
    expect(options).not.toHaveProperty('upstreamUrl');
    expect(options).not.toHaveProperty('cloneCacheBase');
    expect(options).not.toHaveProperty('networkTimeoutMs');
  });

  it('two projects may not share, nest or contain each other\'s gate', () => {
    const a = project('gate: {path: /srv/g/a.git}\n', 'a');
    expect(() => assertGatePathUnshared(a, [project('gate: {path: /srv/g/a.git}\n', 'b')])).toThrow(expect.objectContaining({ code: 'GATE_PATH_CONFLICT' }));
    expect(() => assertGatePathUnshared(a, [project('gate: {path: /srv/g/a.git/inner}\n', 'b')])).toThrow(expect.objectContaining({ code: 'GATE_PATH_CONFLICT' }));
    expect(() => assertGatePathUnshared(a, [project('gate: {path: /srv/g}\n', 'b')])).toThrow(expect.objectContaining({ code: 'GATE_PATH_CONFLICT' }));
    expect(() => assertGatePathUnshared(a, [project('gate: {path: /srv/g/a.git2}\n', 'b'), project('', 'c')])).not.toThrow();
  });
});

describe('sync record', () => {
  it('round-trips through an atomic write and ignores a record that is not one', async () => {
    const record = { schemaVersion: 1 as const, project: 'demo', finishedAt: '2026-01-01T00:00:00.000Z', outcome: 'success' as const, errorCode: null, durationMs: 12, counts: { applied: 1, pending: 2, gateOnly: 0, tagsCreated: 3 }, cacheVersion: 4 };
    const { mkdirSync, readdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(paths.recordsDir, { recursive: true });
    await writeSyncRecord(paths, record);
    expect(await readSyncRecord(paths, 'demo')).toEqual(record);
    expect(readdirSync(paths.recordsDir)).toEqual(['demo.json']);
    writeFileSync(path.join(paths.recordsDir, 'demo.json'), '{"schemaVersion":1,"project":"other"}');
    expect(await readSyncRecord(paths, 'demo')).toBeNull();
    expect(await readSyncRecord(paths, 'never')).toBeNull();
  });
});
