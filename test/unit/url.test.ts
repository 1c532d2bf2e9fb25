import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ErrorCode, GateError } from '../../src/errors/index.js';
import { isSshUrl, parseUpstreamUrl, type UpstreamUrlPolicy } from '../../src/git/url.js';

// The allow-list is the first line against argument injection and credential leaks, so it is
// tested case by case: every accepted shape, and every refused one with the reason it gives.

function refusal(url: string, policy?: UpstreamUrlPolicy): GateError {
  try {
    parseUpstreamUrl(url, policy);
  } catch (error) {
    if (error instanceof GateError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(url)} was accepted`);
}

function expectRefused(url: string, code: ErrorCode, reason: RegExp, policy?: UpstreamUrlPolicy): GateError {
  const error = refusal(url, policy);
  expect(error.code, url).toBe(code);
  expect(error.message, url).toMatch(reason);
  return error;
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'gate-url-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('parseUpstreamUrl: https', () => {
  it.each([
    ['https://github.com/org/repo.git', 'github.com'],
    ['https://git.example.com:8443/scm/proj/repo.git', 'git.example.com'],
    ['https://192.0.2.10/repo.git', '192.0.2.10'],
    ['https://[2001:db8::1]/repo.git', '[2001:db8::1]'],
    ['https://[::1]:8443/repo.git', '[::1]'],
    ['https://host/', 'host'],
    ["https://host/a-b_c.d~e/!$&'()*+,;=:@/repo", 'host'],
  ])('%s is accepted as https with host %s', (url, host) => {
    expect(parseUpstreamUrl(url)).toEqual({ url, kind: 'https', scheme: 'https', host });
  });

  it('a host in capitals is reported lowercased while the URL is kept as given', () => {
    expect(parseUpstreamUrl('https://GitHub.COM/Org/Repo.git')).toEqual({ url: 'https://GitHub.COM/Org/Repo.git', kind: 'https', scheme: 'https', host: 'github.com' });
  });

  it('an https URL without a path is refused', () => {
    expectRefused('https://github.com', 'GATE_UPSTREAM_URL_INVALID', /expected https:\/\/host\[:port\]\/path/);
  });

  it('an https URL with a user and password is refused without echoing the password', () => {
    const error = expectRefused('https://alice:s3cretpassw0rd@github.com/org/repo.git', 'GATE_UPSTREAM_URL_INVALID', /credentials in the URL are refused/);
    expect(error.message).not.toContain('s3cretpassw0rd');
    expect(error.message).not.toContain('alice');
    expect(JSON.stringify(error.toJSON())).not.toContain('s3cretpassw0rd');
  });

  it('an https URL with a token as user name is refused without echoing the token', () => {
    const error = expectRefused('https://ghp_abcdefghijklmnop1234@github.com/org/repo.git', 'GATE_UPSTREAM_URL_INVALID', /credentials in the URL are refused/);
    expect(error.message).not.toContain('ghp_abcdefghijklmnop1234');
  });

  it.each([
    ['https://host:0/repo.git', /port 0 is out of range/],
    ['https://host:65536/repo.git', /port 65536 is out of range/],
    ['https://host:99999/repo.git', /port 99999 is out of range/],
    ['https://host:123456/repo.git', /expected https:\/\/host/],
    ['https://host:/repo.git', /expected https:\/\/host/],
    ['https://host:443@evil.example/repo.git', /credentials in the URL are refused/],
  ])('%s is refused (bad port)', (url, reason) => {
    expectRefused(url, 'GATE_UPSTREAM_URL_INVALID', reason);
  });

  it('the highest port number is accepted', () => {
    expect(parseUpstreamUrl('https://host:65535/repo.git').host).toBe('host');
  });

  it.each([
    ['https://-evil.example/repo.git'],
    ['https://evil-.example/repo.git'],
    ['https://exa_mple.com/repo.git'],
    ['https://github.com./repo.git'],
    ['https://[::1/repo.git'],
    ['https://[fe80::1%25eth0]/repo.git'],
    ['https://host/repo%20name.git'],
    ['https://host/repo.git?ref=main'],
    ['https://host/repo.git#frag'],
    ['https://hést.example/repo.git'],
    [`https://${'a'.repeat(64)}.example/repo.git`],
  ])('%s is refused by the https grammar', (url) => {
    expectRefused(url, 'GATE_UPSTREAM_URL_INVALID', /expected https:\/\/host\[:port\]\/path/);
  });

  it('a 63-character DNS label is accepted', () => {
    expect(parseUpstreamUrl(`https://${'a'.repeat(63)}.example/repo.git`).kind).toBe('https');
  });
});

describe('parseUpstreamUrl: ssh:// and scp-like', () => {
  it.each([
    ['ssh://git@github.com/org/repo.git', 'github.com'],
    ['ssh://github.com/org/repo.git', 'github.com'],
    ['ssh://git@git.example.com:2222/org/repo.git', 'git.example.com'],
    ['ssh://deploy.bot_1@Git.Example.com/srv/repo.git', 'git.example.com'],
    ['ssh://git@[::1]:22/srv/repo.git', '[::1]'],
    ['ssh://[2001:db8::7]/srv/repo.git', '[2001:db8::7]'],
    ['ssh://git@host/-leading-dash-after-slash.git', 'host'],
  ])('%s is accepted as ssh with host %s', (url, host) => {
    expect(parseUpstreamUrl(url)).toEqual({ url, kind: 'ssh', scheme: 'ssh', host });
  });

  it.each([
    ['git@github.com:org/repo.git', 'github.com'],
    ['github.com:org/repo.git', 'github.com'],
    ['deploy_bot@host:/srv/git/repo.git', 'host'],
    ['git@[2001:db8::1]:repo.git', '[2001:db8::1]'],
    ['git@GitLab.Example.org:group/sub/repo.git', 'gitlab.example.org'],
    // git reads "host:22/path" as path "22/path" on host, not as a port.
    ['git@host:22/repo.git', 'host'],
  ])('scp-like %s is accepted as ssh with host %s', (url, host) => {
    expect(parseUpstreamUrl(url)).toEqual({ url, kind: 'ssh', scheme: 'ssh', host });
  });

  it('an ssh URL with a password is refused without echoing the password', () => {
    const error = expectRefused('ssh://git:hunter2hunter2@github.com/org/repo.git', 'GATE_UPSTREAM_URL_INVALID', /a password in the URL is refused/);
    expect(error.message).not.toContain('hunter2hunter2');
  });

  it('an scp-like URL with a password is refused (git would ssh to the user name as host and pass the password in argv)', () => {
    // Verified with git 2.39 and a fake GIT_SSH: git runs `ssh user "git-upload-pack 'hunter2hunter2@github.com:org/repo.git'"`.
    const error = expectRefused('user:hunter2hunter2@github.com:org/repo.git', 'GATE_UPSTREAM_URL_INVALID', /password|expected user@host:path/);
    expect(error.message).not.toContain('hunter2hunter2');
  });

  it.each([
    ['ssh://host:0/repo.git', /port 0 is out of range/],
    ['ssh://host:70000/repo.git', /port 70000 is out of range/],
    ['ssh://git@host:abc/repo.git', /expected ssh:\/\/\[user@\]host\[:port\]\/path/],
  ])('%s is refused (bad port)', (url, reason) => {
    expectRefused(url, 'GATE_UPSTREAM_URL_INVALID', reason);
  });

  it('the highest ssh port number is accepted', () => {
    expect(parseUpstreamUrl('ssh://git@host:65535/repo.git').kind).toBe('ssh');
  });

  it.each([
    ['ssh://github.com'],
    ['ssh://github.com/'],
    ['ssh://-oProxyCommand=evil/repo.git'],
    ['ssh://git@-oProxyCommand=evil/repo.git'],
    ['ssh://-oProxyCommand=evil@host/repo.git'],
    ['ssh://.git@host/repo.git'],
    ['ssh://git@host/repo%20name.git'],
    ['ssh://git@[::1/repo.git'],
  ])('%s is refused by the ssh:// grammar', (url) => {
    expectRefused(url, 'GATE_UPSTREAM_URL_INVALID', /expected ssh:\/\/\[user@\]host\[:port\]\/path/);
  });

  it.each([
    ['git@-oProxyCommand=evil:repo.git'],
    ['o=evil@host:repo.git'],
    ['git@host:-repo.git'],
    ['github.com:--upload-pack=evil'],
    ['git@host:'],
    ['git@exa_mple.com:repo.git'],
    ['us%er@host:repo.git'],
  ])('scp-like %s is refused', (url) => {
    expectRefused(url, 'GATE_UPSTREAM_URL_INVALID', /expected user@host:path/);
  });
});

describe('parseUpstreamUrl: refused before any grammar', () => {
  it('an empty URL is refused', () => {
    expectRefused('', 'GATE_UPSTREAM_URL_INVALID', /it is empty/);
  });

  it('a non-string is refused as empty rather than throwing a TypeError', () => {
    expectRefused(undefined as unknown as string, 'GATE_UPSTREAM_URL_INVALID', /it is empty/);
  });

  it('a URL longer than 2048 characters is refused, and the message quotes at most 200 of them', () => {
    const url = `https://host/${'a'.repeat(2100)}`;
    const error = expectRefused(url, 'GATE_UPSTREAM_URL_INVALID', /longer than 2048/);
    expect(error.message.length).toBeLessThan(400);
  });

  it.each([
    ['-oProxyCommand=evil:repo.git'],
    ['--upload-pack=touch:x'],
    ['-'],
  ])('%s is refused for its leading "-"', (url) => {
    expectRefused(url, 'GATE_UPSTREAM_URL_INVALID', /starts with "-"/);
  });

  it.each([
    ['https://github.com/org/repo.git\n'],
    ['https://github.com/org/repo.git\r'],
    [' https://github.com/org/repo.git'],
    ['https://github.com/org/my repo.git'],
    ['https://github.com/org/\trepo.git'],
    ['git@github.com:org/repo.git\0'],
    ['https://github.com/\x1b[31morg/repo.git'],
    ['https://github.com/org/repo.git\x7f'],
    ['https://github.com/org/repo.git\u0085'],
    ['https://github.com/org/repo.git\u009b2J'],
    ['-oProxyCommand=touch /tmp/pwned'],
  ])('%j is refused for whitespace or control characters', (url) => {
    expectRefused(url, 'GATE_UPSTREAM_URL_INVALID', /whitespace or control characters/);
  });

  it('the message escapes what it quotes, so a refused URL cannot inject lines', () => {
    const error = refusal('https://github.com/org/repo.git\nINFO forged log line');
    expect(error.message).not.toContain('\n');
  });

  it.each([
    ['ext::ssh-evil'],
    ['ext::sh'],
    ['fd::3'],
    ['fd::17/repo'],
    ['EXT::sh'],
    ['persistent-https::https://github.com/org/repo.git'],
    ['remote-helper+x.y::whatever'],
    ['codecommit::us-east-1://repo'],
  ])('%s is refused as a transport helper', (url) => {
    expectRefused(url, 'GATE_UPSTREAM_URL_INVALID', /transport helpers/);
  });

  it.each([
    ['http://github.com/org/repo.git', 'http'],
    ['git://github.com/org/repo.git', 'git'],
    ['ftp://host/repo.git', 'ftp'],
    ['ftps://host/repo.git', 'ftps'],
    ['git+ssh://git@host/repo.git', 'git+ssh'],
    ['ssh+git://git@host/repo.git', 'ssh+git'],
    ['HTTPS://github.com/org/repo.git', 'HTTPS'],
    ['FILE:///srv/repo.git', 'FILE'],
  ])('%s is refused: scheme %s is not on the allow-list', (url, scheme) => {
    expectRefused(url, 'GATE_UPSTREAM_URL_INVALID', new RegExp(`scheme ${scheme.replace('+', '\\+')} is not allowed`));
  });

  it.each([
    ['http://alice:hunter2hunter2@github.com/org/repo.git'],
    ['git+ssh://alice:hunter2hunter2@github.com/org/repo.git'],
    ['svn+ssh://alice:hunter2hunter2@github.com/org/repo.git'],
    ['ssh+git://alice:hunter2hunter2@github.com/org/repo.git'],
  ])('a refused %s does not echo the password in its message', (url) => {
    const error = expectRefused(url, 'GATE_UPSTREAM_URL_INVALID', /is not allowed/);
    expect(error.message).not.toContain('hunter2hunter2');
  });
});

describe('parseUpstreamUrl: local paths', () => {
  const repo = path.join(scratch, 'repo.git');
  const stateRoot = path.join(scratch, 'state');
  mkdirSync(repo, { recursive: true });
  mkdirSync(path.join(stateRoot, 'gates', 'other'), { recursive: true });
  mkdirSync(path.join(scratch, 'state-sibling'), { recursive: true });
  symlinkSync(path.join(stateRoot, 'gates', 'other'), path.join(scratch, 'innocent-link'));
  const realRepo = realpathSync(repo);

  it.each([
    ['/srv/git/repo.git'],
    ['file:///srv/git/repo.git'],
    ['repo.git'],
    ['./repo.git'],
    ['../x/repo.git'],
  ])('%s is refused unless local upstreams are enabled', (url) => {
    expectRefused(url, 'GATE_UPSTREAM_LOCAL_NOT_ALLOWED', /local upstreams are not enabled/);
  });

  it('an absolute path is accepted when local upstreams are enabled, as its real path', () => {
    expect(parseUpstreamUrl(repo, { allowLocal: true })).toEqual({ url: realRepo, kind: 'local', scheme: 'file', localPath: realRepo });
  });

  it('a file:/// URL is accepted when local upstreams are enabled, as its real path', () => {
    expect(parseUpstreamUrl(`file://${repo}`, { allowLocal: true })).toEqual({ url: realRepo, kind: 'local', scheme: 'file', localPath: realRepo });
  });

  it('a path that does not exist yet is accepted as its resolved form', () => {
    expect(parseUpstreamUrl('/nonexistent/x/../repo.git', { allowLocal: true }).localPath).toBe('/nonexistent/repo.git');
  });

  it.each([['./repo.git'], ['repo.git'], ['../repo.git']])('the relative path %s is refused even when local upstreams are enabled', (url) => {
    expectRefused(url, 'GATE_UPSTREAM_URL_INVALID', /must be absolute paths/, { allowLocal: true });
  });

  it('a file:// URL naming a host is refused', () => {
    expectRefused('file://fileserver/srv/repo.git', 'GATE_UPSTREAM_URL_INVALID', /must name an absolute path/, { allowLocal: true });
  });

  it.each([['file:///srv/my%20repo.git'], ['file:///srv/%2e%2e/etc'], ['file:///srv/repo%00.git']])('%s is refused for its %%-escapes', (url) => {
    expectRefused(url, 'GATE_UPSTREAM_URL_INVALID', /%-escapes are refused/, { allowLocal: true });
  });

  it('a path inside the state root is refused', () => {
    expectRefused(path.join(stateRoot, 'gates', 'other'), 'GATE_UPSTREAM_INSIDE_STATE', /inside the state directory/, { allowLocal: true, stateRoot });
  });

  it('the state root itself is refused', () => {
    expectRefused(stateRoot, 'GATE_UPSTREAM_INSIDE_STATE', /inside the state directory/, { allowLocal: true, stateRoot });
  });

  it('a file:// URL inside the state root is refused', () => {
    expectRefused(`file://${stateRoot}/gates/other`, 'GATE_UPSTREAM_INSIDE_STATE', /inside the state directory/, { allowLocal: true, stateRoot });
  });

  it('a path that climbs back into the state root with ".." is refused', () => {
    expectRefused(`${scratch}/repo.git/../state/gates/other`, 'GATE_UPSTREAM_INSIDE_STATE', /inside the state directory/, { allowLocal: true, stateRoot });
  });

  it('a symlink outside the state root that points inside it is refused', () => {
    expectRefused(path.join(scratch, 'innocent-link'), 'GATE_UPSTREAM_INSIDE_STATE', /inside the state directory/, { allowLocal: true, stateRoot });
  });

  it('a sibling directory whose name merely starts with the state root is accepted', () => {
    expect(parseUpstreamUrl(path.join(scratch, 'state-sibling'), { allowLocal: true, stateRoot }).kind).toBe('local');
  });

  it('a path outside the state root is accepted', () => {
    expect(parseUpstreamUrl(repo, { allowLocal: true, stateRoot }).localPath).toBe(realRepo);
  });
});

describe('isSshUrl', () => {
  it.each([
    ['ssh://git@github.com/org/repo.git', true],
    ['ssh://host:2222/repo.git', true],
    ['git@github.com:org/repo.git', true],
    ['host:repo.git', true],
    ['https://github.com/org/repo.git', false],
    ['http://github.com/org/repo.git', false],
    ['git+ssh://git@host/repo.git', false],
    ['/srv/git/repo.git', false],
    ['file:///srv/git/repo.git', false],
    ['-oProxyCommand=evil:repo', false],
    ['ext::ssh -oProxyCommand=evil host', false],
    ['ssh://git:password@host/repo.git', false],
    ['', false],
  ])('%s → %s', (url, expected) => {
    expect(isSshUrl(url)).toBe(expected);
  });
});
