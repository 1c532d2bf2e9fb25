// Pure parts of the admin API: URL parsing and route matching, the rate limiter's bucket, and
// the scrubbing of messages for API callers.
import { describe, expect, it } from 'vitest';
import { AdminHttpError, errorAnswer, publicMessage, publicText } from '../../src/server/admin/errors.js';
import { RateLimiter } from '../../src/server/admin/rate-limit.js';
import { matchRoute, parsePath, type Route } from '../../src/server/admin/router.js';
import { GateError } from '../../src/errors/index.js';

const noop = async () => undefined;
const routes: Route[] = [
  { method: 'GET', path: '/v1/projects/{project}', action: 'get', handler: noop },
  { method: 'POST', path: '/v1/projects/{project}/sync', action: 'sync', handler: noop },
  { method: 'DELETE', path: '/v1/tokens/{token}', action: 'revoke', handler: noop },
];

function refusal(fn: () => unknown): AdminHttpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AdminHttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('admin URL parsing and routing', () => {
  it('decodes each segment once and refuses traversal, encoded slashes and bad escapes', () => {
    expect(parsePath('/v1/projects/demo?x=1').segments).toEqual(['v1', 'projects', 'demo']);
    expect(parsePath('/v1/projects/%252e%252e').segments).toEqual(['v1', 'projects', '%2e%2e']);
    for (const raw of ['/v1/projects/..', '/v1/projects/%2e%2e', '/v1/projects/%2E', '/v1/projects/a%2Fb', '/v1/projects/a%5Cb', '/v1/projects/a%00', '/v1/projects/%E0%A4%A']) {
      expect(refusal(() => parsePath(raw)).status, raw).toBe(400);
    }
    expect(refusal(() => parsePath('http://evil/v1/projects')).status).toBe(404);
  });

  it('validates names only once a route shape matched, and tells 404 from 405', () => {
    expect(matchRoute(routes, 'GET', parsePath('/v1/projects/demo'))).toMatchObject({ route: { action: 'get' }, params: { project: 'demo' } });
    expect(matchRoute(routes, 'DELETE', parsePath('/v1/tokens/tok_AbC-_0123456'))).toMatchObject({ params: { token: 'tok_AbC-_0123456' } });
    for (const name of ['Demo', '%2e%2ex', '-x', '_x', 'a'.repeat(64), 'a b']) {
      const error = refusal(() => matchRoute(routes, 'GET', parsePath(`/v1/projects/${name}`)));
      expect([error.status, error.code], name).toEqual([400, 'GATE_SCOPE_INVALID']);
    }
    expect(refusal(() => matchRoute(routes, 'DELETE', parsePath('/v1/tokens/ggt_secret'))).status).toBe(400);
    expect(refusal(() => matchRoute(routes, 'GET', parsePath('/v1/projects/Demo/extra'))).status).toBe(404);
    const wrong = refusal(() => matchRoute(routes, 'GET', parsePath('/v1/projects/demo/sync')));
    expect([wrong.status, wrong.headers['Allow']]).toEqual([405, 'POST']);
    expect(refusal(() => matchRoute(routes, 'GET', parsePath('/v1/projects/demo/'))).status).toBe(404);
  });
});

describe('the rate limiter', () => {
  it('allows a burst, then one per refill period, and says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 2, refillPerSecond: 0.5 }, () => now);
    expect([limiter.take('a'), limiter.take('a')]).toEqual([0, 0]);
    expect(limiter.take('a')).toBe(2);
    expect(limiter.take('b')).toBe(0);
    now = 1000;
    expect(limiter.take('a')).toBe(1);
    now = 2000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(2);
    now = 60_000;
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 2]);
  });
});

describe('messages for API callers', () => {
  it('lose absolute paths, URLs and scp-like upstreams but keep ref names', () => {
    expect(publicText('gate path /var/lib/gate/gates/x.git is not a git repository')).toBe('gate path <path> is not a git repository');
    expect(publicText('cannot reach https://user:pw@git.example.com/org/repo.git now')).toBe('cannot reach <url> now');
    expect(publicText('from git@github.com:org/repo.git')).toBe('from <url>');
    expect(publicText('ref refs/heads/agent/t1/x moved')).toBe('ref refs/heads/agent/t1/x moved');
    expect(publicText('in ~/state and ./here/x')).toBe('in <path> and <path>');
    expect(publicText('secret at C:odd /tmp/abc', ['/tmp/abc'])).toBe('secret at C:odd <hidden>');
    expect(publicText('bell\x1b[31mred')).not.toContain('\x1b');
  });

  it('replace git stderr with what failed and how', () => {
    const message = "git ls-remote exited 128 (remote_not_found): fatal: '/tmp/x/upstream' does not appear to be a git repository";
    expect(publicMessage('GATE_UPSTREAM_NOT_FOUND', message)).toBe('The upstream answered, but the repository does not exist or the key cannot see it. (git ls-remote exited 128 (remote_not_found))');
    expect(publicMessage('GATE_GIT_FAILED', 'something odd from git: /srv/x')).toBe('git failed in a way git-gate does not recognise.');
    expect(publicMessage('GATE_LOCK_TIMEOUT', 'first line\nsecond line /etc/passwd')).toBe('first line');
  });

  it('give unknown errors no content at all, and GateErrors their status', () => {
    const unknown = errorAnswer(new Error('ENOENT: /home/me/.local/share/git-gate/tokens.json'));
    expect(unknown.status).toBe(500);
    expect(unknown.body.error.code).toBe('GATE_INTERNAL');
    expect(JSON.stringify(unknown)).not.toContain('/home');
    expect(errorAnswer(new GateError('GATE_PROJECT_NOT_FOUND', 'no project x')).status).toBe(404);
    const custom = errorAnswer(new GateError('GATE_UNSAFE_PATH', 'x', { fix: 'chmod /srv/gate' }));
    expect(custom.body.error.fix).toBe('chmod <path>');
  });
});
