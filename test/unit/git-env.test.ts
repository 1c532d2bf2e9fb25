import { afterEach, describe, expect, it } from 'vitest';
import { buildGitEnv, trustAnchorConfig } from '../../src/git/env.js';

const saved = { ...process.env };
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});

describe("git's environment", () => {
  it('is built from empty: nothing inherited but PATH and the HTTPS trust anchors', () => {
    process.env['GIT_CONFIG_PARAMETERS'] = "'core.hooksPath'='/tmp/evil'";
    process.env['GIT_SSH'] = '/tmp/evil-ssh';
    process.env['HTTPS_PROXY'] = 'http://proxy.invalid:3128';
    process.env['GIT_SSL_NO_VERIFY'] = '1';
    process.env['GIT_SSL_CAINFO'] = '/etc/corp-ca.pem';
    process.env['SSL_CERT_DIR'] = '/etc/corp-certs';
    const env = buildGitEnv({ home: '/private/home' });
    expect(env).not.toHaveProperty('GIT_CONFIG_PARAMETERS');
    expect(env).not.toHaveProperty('GIT_SSH');
    expect(env).not.toHaveProperty('HTTPS_PROXY');
    expect(env).not.toHaveProperty('GIT_SSL_NO_VERIFY');
    expect(env).not.toHaveProperty('GIT_SSL_CAINFO'); // it becomes config, which a call can override
    expect(trustAnchorConfig()).toEqual(['http.sslCAInfo=/etc/corp-ca.pem']);
    expect(env['SSL_CERT_DIR']).toBe('/etc/corp-certs');
    expect(env['GIT_CONFIG_GLOBAL']).toBe('/dev/null');
    expect(env['HOME']).toBe('/private/home');
  });

  it("takes git-gate's own variables and refuses any that could undo the isolation", () => {
    const env = buildGitEnv({ home: '/h', extra: { GIT_SSH_COMMAND: 'ssh -F /dev/null', GIT_GATE_SSH_AUTH_SOCK: '/tmp/a.sock', GIT_PROTOCOL: 'version=2' } });
    expect(env['GIT_SSH_COMMAND']).toBe('ssh -F /dev/null');
    expect(env['GIT_GATE_SSH_AUTH_SOCK']).toBe('/tmp/a.sock');
    expect(env['GIT_PROTOCOL']).toBe('version=2');
    for (const name of ['GIT_CONFIG_GLOBAL', 'HOME', 'GIT_CONFIG_PARAMETERS', 'GIT_ALLOW_PROTOCOL', 'LD_PRELOAD', 'GIT_EXEC_PATH', 'GIT_DIR']) {
      expect(() => buildGitEnv({ home: '/h', extra: { [name]: 'x' } }), name).toThrow(/may not be set/);
    }
  });
});
