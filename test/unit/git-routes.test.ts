import { describe, expect, it } from 'vitest';
import { gitProtocolFrom, matchRoute, presentedCredentials } from '../../src/server/routes.js';

describe('matchRoute', () => {
  it('routes the three smart-HTTP URLs of a project', () => {
    expect(matchRoute('GET', '/demo.git/info/refs?service=git-upload-pack')).toEqual({ project: 'demo', service: 'upload-pack', advertise: true });
    expect(matchRoute('GET', '/demo.git/info/refs?service=git-receive-pack')).toEqual({ project: 'demo', service: 'receive-pack', advertise: true });
    expect(matchRoute('POST', '/demo.git/git-upload-pack')).toEqual({ project: 'demo', service: 'upload-pack', advertise: false });
    expect(matchRoute('POST', '/my-project.v2.git/git-receive-pack')).toEqual({ project: 'my-project.v2', service: 'receive-pack', advertise: false });
  });

  it('answers 404 for dumb HTTP, other services, odd names and extra query strings', () => {
    for (const url of [
      '/demo.git/HEAD', '/demo.git/objects/info/packs', '/demo.git/objects/ab/cdef', '/demo.git/info/refs',
      '/demo.git/info/refs?service=git-upload-archive', '/demo.git/info/refs?service=git-upload-pack&x=1',
      '/demo.git/git-upload-pack?x', '/demo/info/refs?service=git-upload-pack', '/Demo.git/git-upload-pack',
      '/-demo.git/git-upload-pack', '/.demo.git/git-upload-pack', '/de%2fmo.git/git-upload-pack', '/%E0%A4%A.git/git-upload-pack',
      '/a/demo.git/git-upload-pack', '/demo.git/git-upload-pack/', '//demo.git/git-upload-pack', '', '/',
      `/${'a'.repeat(64)}.git/git-upload-pack`,
    ]) {
      expect({ url, route: matchRoute('POST', url) }).toEqual({ url, route: { status: 404 } });
    }
    expect(matchRoute('GET', undefined)).toEqual({ status: 404 });
  });

  it('decodes a name once, then checks it', () => {
    expect(matchRoute('POST', '/d%65mo.git/git-upload-pack')).toEqual({ project: 'demo', service: 'upload-pack', advertise: false });
    expect(matchRoute('POST', '/d%2565mo.git/git-upload-pack')).toEqual({ status: 404 });
    expect(matchRoute('POST', `/${'a'.repeat(63)}.git/git-upload-pack`)).toMatchObject({ project: 'a'.repeat(63) });
  });

  it('answers 405 for the wrong method on a known URL', () => {
    expect(matchRoute('POST', '/demo.git/info/refs?service=git-upload-pack')).toEqual({ status: 405 });
    expect(matchRoute('GET', '/demo.git/git-receive-pack')).toEqual({ status: 405 });
    expect(matchRoute('PUT', '/demo.git/git-upload-pack')).toEqual({ status: 405 });
  });
});

describe('presentedCredentials', () => {
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

  it('offers the password first, then the username', () => {
    expect(presentedCredentials(basic('user:secret'))).toEqual(['secret', 'user']);
    expect(presentedCredentials(basic('token-as-user:'))).toEqual(['token-as-user']);
    expect(presentedCredentials(basic(':only-password'))).toEqual(['only-password']);
    expect(presentedCredentials(basic('no-colon'))).toEqual(['no-colon']);
    expect(presentedCredentials(`basic   ${Buffer.from('a:b').toString('base64')}`)).toEqual(['b', 'a']);
  });

  it('keeps a colon inside the password', () => {
    expect(presentedCredentials(basic('u:p:q'))).toEqual(['p:q', 'u']);
  });

  it('presents nothing for a missing, foreign or malformed header', () => {
    for (const header of [undefined, '', 'Basic', 'Basic ', 'Bearer abc', 'Digest x', 'Basic ***', 'Basic a b', basic(':'), `Basic ${'A'.repeat(1025)}`]) {
      expect({ header, values: presentedCredentials(header) }).toEqual({ header, values: [] });
    }
  });
});

describe('gitProtocolFrom', () => {
  it('passes on only the versions git sends', () => {
    expect(gitProtocolFrom('version=2')).toBe('version=2');
    expect(gitProtocolFrom('version=1')).toBe('version=1');
    expect(gitProtocolFrom(['version=2', 'x'])).toBe('version=2');
    for (const header of [undefined, '', 'version=3', 'version=2:object-format=sha256', 'version=2\nX=1', 'GIT_DIR=/etc']) {
      expect(gitProtocolFrom(header)).toBeNull();
    }
  });
});
