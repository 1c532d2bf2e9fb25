import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGlobalConfig, parseConfigYaml, parseProjectText, statePaths } from '../../src/config/index.js';
import { isGateError } from '../../src/errors/index.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'gate-config-unit-'));
const paths = statePaths(root);

function load(text: string, name = 'demo') {
  return parseProjectText(paths, parseConfigYaml(`${root}/projects/${name}.yaml`, text), name);
}

function errorOf(text: string, name = 'demo'): { code: string; message: string } {
  try {
    load(text, name);
  } catch (error) {
    if (isGateError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the config to be refused');
}

const FULL = `
name: demo
mode: online
upstream:
  url: https://example.com/org/demo.git
  default_branch: trunk
  allow_local: false
ssh:
  use_personal: true
  host_keys:
    - "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl host"
    - "SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU"
gate:
  path: gates/elsewhere.git
  backups:
    enabled: false
    retention_days: 7
cache:
  enabled: false
sync:
  interval: 90s
  branches: [trunk, release/1.x, trunk]
policy:
  namespace: "refs/heads/bots/{task}/"
  rules:
    - ref: "refs/heads/bots/*"
      allow: [create, fast_forward, create]
  max_push_bytes: 1048576
`;

describe('project config schema', () => {
  it('a name alone makes a remoteless project with every default', () => {
    expect(load('name: demo\n')).toEqual({
      name: 'demo', file: `${root}/projects/demo.yaml`, mode: 'remoteless', upstream: null,
      ssh: { usePersonal: null, hostKeys: [] },
      gate: { path: path.join(root, 'gates', 'demo.git'), backups: { enabled: null, retentionDays: null } },
      cache: { enabled: null },
      sync: { intervalMs: null, branches: [] },
      policy: { namespace: 'refs/heads/agent/{task}/', rules: [], maxPushBytes: null },
    });
  });

  it('every key is read and normalised to camelCase, deduplicated and frozen', () => {
    const project = load(FULL);
    expect(project).toEqual({
      name: 'demo', file: `${root}/projects/demo.yaml`, mode: 'online',
      upstream: { url: 'https://example.com/org/demo.git', defaultBranch: 'trunk', allowLocal: false },
      ssh: { usePersonal: true, hostKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl host', 'SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU'] },
      gate: { path: path.join(root, 'gates', 'elsewhere.git'), backups: { enabled: false, retentionDays: 7 } },
      cache: { enabled: false },
      sync: { intervalMs: 90_000, branches: ['trunk', 'release/1.x'] },
      policy: { namespace: 'refs/heads/bots/{task}/', rules: [{ ref: 'refs/heads/bots/*', allow: ['create', 'fast_forward'] }], maxPushBytes: 1_048_576 },
    });
    expect(Object.isFrozen(project)).toBe(true);
    expect(Object.isFrozen(project.policy.rules[0]!.allow)).toBe(true);
    expect(() => (project.ssh.hostKeys as string[]).push('x')).toThrow(TypeError);
  });

  it('an upstream without a mode is gatekeeping', () => {
    expect(load('name: demo\nupstream:\n  url: git@example.com:org/demo.git\n').mode).toBe('gatekeeping');
  });

  it('an unknown key is refused with its line, column and the keys allowed there', () => {
    expect(errorOf('name: demo\ncache:\n  enabled: true\n  size: 3\n')).toEqual({
      code: 'GATE_CONFIG_INVALID',
      message: `${root}/projects/demo.yaml:4:3: cache.size: unknown key "size"; expected one of: enabled`,
    });
    expect(errorOf('name: demo\n"<<": {mode: online}\n').message).toContain(':2:1: <<: unknown key "<<"');
  });

  it('a duplicate key, a tag, several documents and an alias bomb are refused', () => {
    expect(errorOf('name: demo\ncache: {enabled: true}\ncache: {enabled: false}\n').message).toBe(`${root}/projects/demo.yaml:3:1: Map keys must be unique`);
    expect(errorOf('name: !!str demo\n').message).toContain(':1:13: YAML tags (tag:yaml.org,2002:str) are not allowed');
    expect(errorOf('name: demo\n---\nname: demo\n').message).toMatch(/:2:1: Source contains multiple documents/);
    const bomb = ['name: demo', 'a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]'].join('\n');
    expect(errorOf(bomb)).toEqual({ code: 'GATE_CONFIG_INVALID', message: expect.stringContaining('too many alias expansions (more than 16)') });
  });

  it('wrong types say where, what was expected, what was found and give an example', () => {
    expect(errorOf('name: demo\nsync:\n  interval: 5\n').message).toBe(`${root}/projects/demo.yaml:3:13: sync.interval: expected a string, got number 5, for example "5m"`);
    expect(errorOf('name: demo\nsync:\n  interval: 5 minutes\n').message).toContain('sync.interval: expected a duration: a whole number and one unit of ms, s, m, h or d, for example "5m"');
    expect(errorOf('name: demo\ngate:\n  backups:\n    retention_days: -1\n').message).toContain(':4:21: gate.backups.retention_days: must be at least 0, for example 30');
    expect(errorOf('name: demo\nmode: sideways\n').message).toContain(':2:7: mode: expected one of "gatekeeping", "online", "remoteless", got the string "sideways", for example "gatekeeping"');
    expect(errorOf('name: demo\nupstream: {}\n').message).toContain(':2:11: upstream.url: is required: expected a string, for example "https://github.com/org/repo.git"');
    expect(errorOf('name: demo\nsync:\n  branches: [main, "-x"]\n').message).toContain(':3:20: sync.branches[1]: not a usable branch name: a component starts with "-"');
    expect(errorOf('name: demo\nssh:\n  host_keys: ["ssh-ed25519 short"]\n').message).toContain('ssh.host_keys[0]: expected an OpenSSH public key line');
    expect(errorOf('name: demo\npolicy:\n  rules:\n    - ref: refs/heads/*\n      allow: [push]\n').message).toContain(':5:15: policy.rules[0].allow[0]: expected one of "create", "fast_forward", "force", "delete", got the string "push"');
    expect(errorOf('name: demo\npolicy:\n  rules:\n    - ref: "refs/heads/../x"\n      allow: [create]\n').message).toContain('policy.rules[0].ref: ref patterns must not contain ".."');
    expect(errorOf('').message).toContain(':1:1: name: is required');
  });

  it('several problems are reported together, the first three in full', () => {
    const error = errorOf('name: 1\nmode: 2\ncache: 3\nsync: 4\ngate: 5\n');
    expect(error.message.split('; ').length).toBe(3);
    expect(error.message).toMatch(/\(and 2 more\)$/);
  });

  it('a mode that contradicts the upstream and a name that is not the file name are refused', () => {
    expect(errorOf('name: demo\nmode: remoteless\nupstream:\n  url: https://example.com/x.git\n').message).toContain(':2:7: mode: a remoteless project has no upstream');
    expect(errorOf('name: demo\nmode: online\n').message).toContain(':2:7: mode: mode online needs an upstream');
    expect(errorOf('name: other\n').message).toContain(':1:7: name: must equal the file name "demo"');
  });

  it('hostile upstream URLs keep their own code and get the line', () => {
    const leak = errorOf('name: demo\nupstream:\n  url: "https://user:hunter2hunter2@example.com/x.git"\n');
    expect(leak.code).toBe('GATE_UPSTREAM_URL_INVALID');
    expect(leak.message).toContain(':3:8: upstream.url:');
    expect(leak.message).not.toContain('hunter2hunter2');
    expect(errorOf('name: demo\nupstream:\n  url: "--upload-pack=x"\n').code).toBe('GATE_UPSTREAM_URL_INVALID');
    expect(errorOf('name: demo\nupstream:\n  url: "ext::sh -c x"\n').code).toBe('GATE_UPSTREAM_URL_INVALID');
    expect(errorOf('name: demo\nupstream:\n  url: /srv/repo.git\n').code).toBe('GATE_UPSTREAM_LOCAL_NOT_ALLOWED');
    expect(errorOf(`name: demo\nupstream:\n  url: ${root}/gates/other.git\n  allow_local: true\n`).code).toBe('GATE_UPSTREAM_INSIDE_STATE');
  });

  it('gate.path: relative stays under gates/, absolute may leave the root, never into a local upstream', () => {
    expect(errorOf('name: demo\ngate:\n  path: ../outside.git\n').message).toContain('gate.path: the relative path "../outside.git" leaves the state root');
    expect(errorOf('name: demo\ngate:\n  path: projects/demo.git\n').message).toContain(`gate.path: inside the state root a gate must live under ${root}/gates`);
    expect(errorOf(`name: demo\ngate:\n  path: ${root}/vault/demo.git\n`).message).toContain('must live under');
    expect(load('name: demo\ngate:\n  path: /srv/gates/demo.git\n').gate.path).toBe('/srv/gates/demo.git');
    const outside = mkdtempSync(path.join(os.tmpdir(), 'gate-outside-'));
    mkdirSync(path.join(root, 'vault'), { recursive: true });
    symlinkSync(path.join(root, 'vault'), path.join(outside, 'into-vault'));
    expect(errorOf(`name: demo\ngate:\n  path: ${outside}/into-vault/demo.git\n`).message).toContain('inside the state root a gate must live under');
    const upstream = mkdtempSync(path.join(os.tmpdir(), 'gate-up-'));
    expect(errorOf(`name: demo\nupstream:\n  url: ${upstream}\n  allow_local: true\ngate:\n  path: ${upstream}/.git/gate.git\n`).message).toContain('the gate would live inside the local upstream');
  });
});

describe('global config schema', () => {
  it('a missing file means every default', async () => {
    expect(await loadGlobalConfig(statePaths(mkdtempSync(path.join(os.tmpdir(), 'gate-global-'))))).toEqual({
      file: null, ssh: { usePersonal: false }, vault: { passphraseCommand: null, passphraseFile: null },
      defaults: { backups: { enabled: true, retentionDays: 30 }, cache: { enabled: true } }, git: { networkTimeoutMs: null }, log: { level: null },
      serve: expect.objectContaining({ gitListen: [{ kind: 'tcp', host: '127.0.0.1', port: 7419 }], maxConcurrentSyncs: 2 }),
    });
  });

  it('every key is read; unknown keys and both passphrase sources are refused', async () => {
    const { writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gate-global-'));
    const global = statePaths(dir);
    writeFileSync(global.globalConfig, 'ssh: {use_personal: true}\nvault: {passphrase_file: /run/secrets/p}\ndefaults:\n  backups: {enabled: false, retention_days: 3}\n  cache: {enabled: false}\ngit: {network_timeout: 2m}\nlog: {level: debug}\n');
    expect(await loadGlobalConfig(global)).toEqual({
      file: global.globalConfig, ssh: { usePersonal: true }, vault: { passphraseCommand: null, passphraseFile: '/run/secrets/p' },
      defaults: { backups: { enabled: false, retentionDays: 3 }, cache: { enabled: false } }, git: { networkTimeoutMs: 120_000 }, log: { level: 'debug' },
      serve: expect.objectContaining({ maxConcurrentSyncs: 2 }),
    });
    writeFileSync(global.globalConfig, 'daemon: {port: 1}\n');
    await expect(loadGlobalConfig(global)).rejects.toThrow(`${global.globalConfig}:1:1: daemon: unknown key "daemon"; expected one of: ssh, vault, defaults, git, log, serve`);
    writeFileSync(global.globalConfig, 'vault:\n  passphrase_command: x\n  passphrase_file: /y\n');
    await expect(loadGlobalConfig(global)).rejects.toThrow(':3:20: vault.passphrase_file: set either vault.passphrase_command or vault.passphrase_file, not both');
  });
});
