import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGlobalConfig, statePaths } from '../../src/config/index.js';
import { isLoopback, parseListenAddress } from '../../src/config/listen-address.js';
import { isGateError } from '../../src/errors/index.js';

async function loadServe(yaml: string) {
  const paths = statePaths(mkdtempSync(path.join(os.tmpdir(), 'gate-serve-config-')));
  writeFileSync(paths.globalConfig, yaml);
  return { paths, global: await loadGlobalConfig(paths) };
}

async function refusal(yaml: string): Promise<string> {
  const error = await loadServe(yaml).then(() => null, (e: unknown) => e);
  if (!isGateError(error, 'GATE_CONFIG_INVALID')) throw new Error(`expected GATE_CONFIG_INVALID, got ${String(error)}`);
  return error.message;
}

describe('serve config', () => {
  it('defaults: git on 127.0.0.1:7419, admin on a unix socket under the state root, 2 syncs at once', async () => {
    const { paths, global } = await loadServe('log: {level: warn}\n');
    expect(global.serve).toEqual({
      gitListen: [{ kind: 'tcp', host: '127.0.0.1', port: 7419 }], allowNonLoopback: false,
      adminListen: { kind: 'unix', path: path.join(paths.root, 'run', 'admin.sock') }, adminTokenFile: null, allowedHosts: null,
      maxConcurrentSyncs: 2, maxConnections: 64, maxPushBytes: 4 * 1024 ** 3, maintenanceIntervalMs: 24 * 60 * 60_000,
    });
  });

  it('maintenance_interval takes a duration or off', async () => {
    expect((await loadServe('serve:\n  maintenance_interval: 6h\n')).global.serve.maintenanceIntervalMs).toBe(6 * 60 * 60_000);
    expect((await loadServe('serve:\n  maintenance_interval: "off"\n')).global.serve.maintenanceIntervalMs).toBeNull();
    expect(await refusal('serve:\n  maintenance_interval: daily\n')).toMatch(/maintenance_interval/);
  });

  it('reads unix sockets, IPv6 loopback and port 0', async () => {
    const { global } = await loadServe('serve:\n  git_listen: ["unix:/tmp/g.sock", "[::1]:0", "localhost:9000"]\n  max_concurrent_syncs: 1\n');
    expect(global.serve.gitListen).toEqual([{ kind: 'unix', path: '/tmp/g.sock' }, { kind: 'tcp', host: '::1', port: 0 }, { kind: 'tcp', host: 'localhost', port: 9000 }]);
    expect(global.serve.maxConcurrentSyncs).toBe(1);
  });

  it('refuses a non-loopback git address with the line and the flag that would allow it', async () => {
    const message = await refusal('serve:\n  git_listen:\n    - "0.0.0.0:7419"\n');
    expect(message).toMatch(/config\.yaml:3:\d+: serve\.git_listen\[0\]: 0\.0\.0\.0:7419 is not a loopback address/);
    expect(message).toContain('allow_non_loopback');
  });

  it('accepts a non-loopback git address when explicitly allowed', async () => {
    const { global } = await loadServe('serve:\n  git_listen: ["172.17.0.1:7419"]\n  allow_non_loopback: true\n');
    expect(global.serve.gitListen).toEqual([{ kind: 'tcp', host: '172.17.0.1', port: 7419 }]);
  });

  it('never allows a non-loopback admin address, even with allow_non_loopback', async () => {
    expect(await refusal('serve:\n  admin_listen: "10.0.0.5:7420"\n  admin_token_file: /etc/t\n  allow_non_loopback: true\n')).toMatch(/admin API listens only on a unix socket or a loopback address/);
  });

  it('refuses a TCP admin listener without a token file', async () => {
    expect(await refusal('serve:\n  admin_listen: "127.0.0.1:7420"\n')).toMatch(/needs serve\.admin_token_file/);
  });

  it('refuses malformed addresses, relative socket paths, duplicates and an admin address shared with git', async () => {
    expect(await refusal('serve:\n  git_listen: ["example.com:80"]\n')).toMatch(/serve\.git_listen\[0\]: expected "host:port"/);
    expect(await refusal('serve:\n  git_listen: ["127.0.0.1:70000"]\n')).toMatch(/port must be a number from 0 to 65535/);
    expect(await refusal('serve:\n  git_listen: ["unix:/a", "unix:/a"]\n')).toMatch(/listed twice/);
    expect(await refusal('serve:\n  git_listen: ["unix:/a"]\n  admin_listen: "unix:/a"\n')).toMatch(/also a git listener/);
    expect(await refusal('serve:\n  max_concurrent_syncs: 0\n')).toMatch(/max_concurrent_syncs/);
    expect(await refusal('serve:\n  listen: x\n')).toMatch(/unknown key "listen"/);
  });

  it('knows what loopback is', () => {
    const loopback = (text: string) => isLoopback(parseListenAddress(text) as never);
    expect(['127.0.0.1:1', '127.8.9.1:1', '[::1]:1', 'localhost:1', 'unix:/s', '[::ffff:127.0.0.1]:1'].map(loopback)).toEqual([true, true, true, true, true, true]);
    expect(['0.0.0.0:1', '[::]:1', '10.1.1.1:1', '172.17.0.1:1', '[::ffff:10.0.0.1]:1'].map(loopback)).toEqual([false, false, false, false, false]);
  });
});
