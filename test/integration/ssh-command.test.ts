// The constant strings git hands to sh: every ssh option exists in the installed OpenSSH, the
// variable parts are env expansions only, and the credential helper answers only for the exact
// upstream protocol and host:port.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_ENV, CREDENTIAL_HELPER, PERSONAL_SSH_COMMAND, SSH_ENV, VAULT_SSH_COMMAND } from '../../src/ssh/index.js';

const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };

describe('constant ssh commands', () => {
  it('every option is accepted by the installed ssh and takes effect (ssh -G)', async () => {
    const vars = { [SSH_ENV.agentSocket]: '/tmp/gg-a/agent.sock', [SSH_ENV.identityFile]: '/tmp/gg-a/id.pub', [SSH_ENV.knownHosts]: '/tmp/gg-s/known_hosts', [SSH_ENV.controlPath]: '/tmp/gg-s/cm' };
    const { stdout } = await execa('sh', ['-c', `${VAULT_SSH_COMMAND} -G "$@"`, 'ssh', 'example.invalid'], { env: { ...env, ...vars }, extendEnv: false });
    const config = new Map(stdout.split('\n').map((line) => [line.split(' ')[0], line.slice(line.indexOf(' ') + 1)] as const));
    expect(config.get('batchmode')).toBe('yes');
    expect(config.get('identitiesonly')).toBe('yes');
    expect(config.get('identityagent')).toBe('/tmp/gg-a/agent.sock');
    expect(config.get('identityfile')).toBe('/tmp/gg-a/id.pub');
    expect(config.get('stricthostkeychecking')).toBe('true');
    expect(config.get('userknownhostsfile')).toBe('/tmp/gg-s/known_hosts');
    expect(config.get('globalknownhostsfile')).toBe('/dev/null');
    expect(config.get('forwardagent')).toBe('no');
    expect(config.get('proxycommand')).toBeUndefined();
    expect(config.get('controlpath')).toBe('/tmp/gg-s/cm');
    expect(config.get('connecttimeout')).toBe('30');
    const personal = await execa('sh', ['-c', `${PERSONAL_SSH_COMMAND} -G "$@"`, 'ssh', 'example.invalid'], { env, extendEnv: false });
    expect(personal.stdout).toContain('batchmode yes');
  });

  it('holds nothing variable: only $GIT_GATE_* expansions, each double-quoted', () => {
    const expansions = VAULT_SSH_COMMAND.match(/"?\$[A-Z_]+"?/g) ?? [];
    expect(expansions.sort()).toEqual(Object.values(SSH_ENV).map((name) => `"$${name}"`).sort());
    expect(PERSONAL_SSH_COMMAND).not.toContain('$');
    expect(VAULT_SSH_COMMAND).toMatch(/^ssh -F \/dev\/null /);
  });
});

describe('constant credential helper', () => {
  async function ask(operation: string, input: string, vars: Record<string, string> = {}): Promise<string> {
    const helperEnv = { ...env, [CREDENTIAL_ENV.token]: 'tok-12345678', [CREDENTIAL_ENV.username]: 'x-access-token', [CREDENTIAL_ENV.protocol]: 'https', [CREDENTIAL_ENV.host]: 'git.example:8443', ...vars };
    // As git runs a "!" helper: sh -c '<helper> <operation>'.
    const { stdout } = await execa('sh', ['-c', `${CREDENTIAL_HELPER.slice(1)} ${operation}`], { env: helperEnv, extendEnv: false, input });
    return stdout;
  }

  it('answers get only for the exact protocol and host:port', async () => {
    expect(await ask('get', 'protocol=https\nhost=git.example:8443\n\n')).toBe('username=x-access-token\npassword=tok-12345678');
    for (const input of ['protocol=https\nhost=git.example\n', 'protocol=http\nhost=git.example:8443\n', 'protocol=https\nhost=git.example:8444\n', 'protocol=https\nhost=evil.example\n', 'host=git.example:8443\n', '']) {
      expect(await ask('get', input), input).toBe('');
    }
    expect(await ask('store', 'protocol=https\nhost=git.example:8443\n')).toBe('');
    expect(await ask('erase', 'protocol=https\nhost=git.example:8443\n')).toBe('');
    expect(await ask('get', 'protocol=https\nhost=git.example:8443\n', { [CREDENTIAL_ENV.token]: '' })).toBe('');
  });

  it('treats hostile input as data (no expansion of what git sends)', async () => {
    expect(await ask('get', 'protocol=https\nhost=$(touch /tmp/gg-pwned)\n')).toBe('');
    expect(existsSync('/tmp/gg-pwned')).toBe(false);
    expect(await ask('get', 'protocol=https\nhost=git.example:8443 \n')).toBe('');
  });
});
