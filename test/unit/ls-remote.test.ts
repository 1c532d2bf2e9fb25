import { describe, expect, it } from 'vitest';
import { lsRemoteArgs, parseLsRemote } from '../../src/git/commands/ls-remote.js';

// Captured once from git 2.39.5: `git ls-remote --symref -- <repo>` against a repository with
// branches main and feature/login, annotated tags v0.9 and v1.0, lightweight tag v1.0-light, and
// refs/pull/1/head + refs/pull/1/merge. Protocol v0 (`-c protocol.version=0`) printed the same bytes.
const CAPTURED = [
  'ref: refs/heads/main\tHEAD',
  '7802ed340f1adc23714005257ffb5ec1ddc5723d\tHEAD',
  '79fde3b7e238151e60fa22d531d276c8e8c5a7c2\trefs/heads/feature/login',
  '7802ed340f1adc23714005257ffb5ec1ddc5723d\trefs/heads/main',
  '79fde3b7e238151e60fa22d531d276c8e8c5a7c2\trefs/pull/1/head',
  '7802ed340f1adc23714005257ffb5ec1ddc5723d\trefs/pull/1/merge',
  'b5c5580b50500d07da7ee778f02f34cb4dba262f\trefs/tags/v0.9',
  '8a45d656c1340f426e318c14a386c9fb5ac1e568\trefs/tags/v0.9^{}',
  '1ce53ff68ac4db720bd3335ac0a88df49412b55a\trefs/tags/v1.0',
  '7802ed340f1adc23714005257ffb5ec1ddc5723d\trefs/tags/v1.0^{}',
  '8a45d656c1340f426e318c14a386c9fb5ac1e568\trefs/tags/v1.0-light',
  '',
].join('\n');

// Captured the same way from a bare clone whose HEAD was detached at main: no symref line.
const CAPTURED_DETACHED = [
  '7802ed340f1adc23714005257ffb5ec1ddc5723d\tHEAD',
  '79fde3b7e238151e60fa22d531d276c8e8c5a7c2\trefs/heads/feature/login',
  '7802ed340f1adc23714005257ffb5ec1ddc5723d\trefs/heads/main',
  '',
].join('\n');

const MAIN = '7802ed340f1adc23714005257ffb5ec1ddc5723d';
const LOGIN = '79fde3b7e238151e60fa22d531d276c8e8c5a7c2';

describe('lsRemoteArgs', () => {
  it('asks for the HEAD symref and ends options before the URL', () => {
    expect(lsRemoteArgs('-oProxyCommand=x')).toEqual(['ls-remote', '--symref', '--end-of-options', '-oProxyCommand=x']);
  });
});

describe('parseLsRemote', () => {
  it('reads branches, HEAD and its target from captured output', () => {
    const listing = parseLsRemote(CAPTURED);
    expect(listing.heads).toEqual(new Map([['feature/login', LOGIN], ['main', MAIN]]));
    expect(listing.headTarget).toBe('main');
    expect(listing.headSha).toBe(MAIN);
  });

  it('gives annotated tags their peeled commit and lightweight tags none', () => {
    const listing = parseLsRemote(CAPTURED);
    expect(listing.tags).toEqual(
      new Map([
        ['v0.9', { sha: 'b5c5580b50500d07da7ee778f02f34cb4dba262f', peeled: '8a45d656c1340f426e318c14a386c9fb5ac1e568' }],
        ['v1.0', { sha: '1ce53ff68ac4db720bd3335ac0a88df49412b55a', peeled: MAIN }],
        ['v1.0-light', { sha: '8a45d656c1340f426e318c14a386c9fb5ac1e568' }],
      ]),
    );
    expect(listing.tags.get('v1.0-light')).not.toHaveProperty('peeled');
  });

  it('counts refs outside heads and tags (pull requests) without listing them', () => {
    const listing = parseLsRemote(CAPTURED);
    expect(listing.otherRefCount).toBe(2);
    expect([...listing.heads.keys()].some((name) => name.includes('pull'))).toBe(false);
  });

  it('leaves headTarget absent when HEAD is detached', () => {
    const listing = parseLsRemote(CAPTURED_DETACHED);
    expect(listing).not.toHaveProperty('headTarget');
    expect(listing.headSha).toBe(MAIN);
    expect(listing.heads.size).toBe(2);
  });

  it('reads empty output (an empty repository) as nothing at all', () => {
    const listing = parseLsRemote('');
    expect(listing.heads.size).toBe(0);
    expect(listing.tags.size).toBe(0);
    expect(listing.otherRefCount).toBe(0);
    expect(listing).not.toHaveProperty('headTarget');
    expect(listing).not.toHaveProperty('headSha');
  });

  it('does not depend on a trailing newline', () => {
    expect(parseLsRemote(CAPTURED.trimEnd())).toEqual(parseLsRemote(CAPTURED));
  });

  it('skips blank lines and lines without a tab', () => {
    const odd = ['', 'warning: redirecting to https://example.com/repo.git/', `${MAIN} refs/heads/spaced`, '\n', CAPTURED_DETACHED].join('\n');
    const listing = parseLsRemote(odd);
    expect([...listing.heads.keys()]).toEqual(['feature/login', 'main']);
    expect(listing.otherRefCount).toBe(0);
  });

  it('ignores a HEAD symref that points outside refs/heads/', () => {
    expect(parseLsRemote(`ref: refs/remotes/origin/main\tHEAD\n${MAIN}\tHEAD\n`)).not.toHaveProperty('headTarget');
  });

  it('ignores symrefs other than HEAD', () => {
    const listing = parseLsRemote(`ref: refs/heads/main\trefs/remotes/origin/HEAD\n${MAIN}\trefs/remotes/origin/HEAD\n`);
    expect(listing).not.toHaveProperty('headTarget');
    expect(listing.otherRefCount).toBe(1);
  });

  it('keeps branch and tag names with slashes whole', () => {
    const listing = parseLsRemote(`${MAIN}\trefs/heads/team/a/b\n${LOGIN}\trefs/tags/release/2026/v1\n`);
    expect(listing.heads.get('team/a/b')).toBe(MAIN);
    expect(listing.tags.get('release/2026/v1')).toEqual({ sha: LOGIN });
  });

  it('drops a peeled line whose tag line is missing', () => {
    const listing = parseLsRemote(`${MAIN}\trefs/tags/orphan^{}\n`);
    expect(listing.tags.size).toBe(0);
  });

  it('accepts a peeled line that arrives before its tag line', () => {
    const listing = parseLsRemote(`${MAIN}\trefs/tags/v2^{}\n${LOGIN}\trefs/tags/v2\n`);
    expect(listing.tags.get('v2')).toEqual({ sha: LOGIN, peeled: MAIN });
  });

  it('reads SHA-256 object ids as they are', () => {
    const sha256 = 'a'.repeat(64);
    expect(parseLsRemote(`ref: refs/heads/main\tHEAD\n${sha256}\tHEAD\n${sha256}\trefs/heads/main\n`).heads.get('main')).toBe(sha256);
  });

  it('drops a line whose object id is not one, so nothing but ids can reach fetch --stdin', () => {
    const listing = parseLsRemote(`+refs/heads/*:refs/heads/*\trefs/heads/evil\n--upload-pack=x\trefs/tags/v1\n${MAIN}\trefs/heads/main\n`);
    expect([...listing.heads]).toEqual([['main', MAIN]]);
    expect(listing.tags.size).toBe(0);
  });
});
