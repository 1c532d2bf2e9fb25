import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors/index.js';
import type { GitFailureClass } from '../../src/git/classify.js';
import { codeForFailure, GitCommandError } from '../../src/git/git-error.js';
import { registerSecret } from '../../src/log/redact.js';

const forgetters: Array<() => void> = [];
afterEach(() => {
  for (const forget of forgetters.splice(0)) forget();
});

describe('codeForFailure', () => {
  it('maps every failure class to a registered GATE_ code', () => {
    const classes: GitFailureClass[] = ['auth_failed', 'host_key_mismatch', 'host_key_unknown', 'remote_not_found', 'network_failed', 'timeout', 'cancelled', 'lock_contention', 'disk_full', 'corrupt_object', 'too_large', 'crashed', 'unknown'];
    for (const failureClass of classes) expect(Object.keys(ERROR_CODES), failureClass).toContain(codeForFailure(failureClass));
  });
});

describe('GitCommandError', () => {
  it('names the verb, how git ended, the class and the stderr', () => {
    const error = new GitCommandError('ls-remote', { exitCode: 128, stderr: "fatal: '/srv/nope' does not appear to be a git repository\n" });
    expect(error.code).toBe('GATE_UPSTREAM_NOT_FOUND');
    expect(error.message).toBe("git ls-remote exited 128 (remote_not_found): fatal: '/srv/nope' does not appear to be a git repository");
    expect(error.details).toEqual({ verb: 'ls-remote', failureClass: 'remote_not_found', exitCode: 128, signal: null });
  });

  it('shows the CRLF-terminated lines ssh prints as plain lines, without a visible \\x0d', () => {
    // Captured: ssh ends its own lines with "\r\n"; git's lines end with "\n".
    const error = new GitCommandError('ls-remote', { exitCode: 128, stderr: 'ssh: Could not resolve hostname nohost: Name or service not known\r\nfatal: Could not read from remote repository.\n' });
    expect(error.code).toBe('GATE_UPSTREAM_UNREACHABLE');
    expect(error.failureClass).toBe('network_failed');
    expect(error.message).toBe('git ls-remote exited 128 (network_failed): ssh: Could not resolve hostname nohost: Name or service not known\nfatal: Could not read from remote repository.');
  });

  it('says when git timed out, was cancelled or died by a signal', () => {
    expect(new GitCommandError('fetch', { timedOut: true, stderr: '' }).message).toBe('git fetch timed out (timeout)');
    expect(new GitCommandError('fetch', { cancelled: true, stderr: '' }).message).toBe('git fetch was cancelled (cancelled)');
    expect(new GitCommandError('index-pack', { signal: 'SIGSEGV', stderr: '' }).message).toBe('git index-pack died by SIGSEGV (crashed)');
  });

  it('never carries URL credentials, registered secrets or terminal escapes from stderr', () => {
    forgetters.push(registerSecret('glpat-0123456789abcdef'));
    const error = new GitCommandError('fetch', { exitCode: 128, stderr: "\x1b]0;pwned\x07fatal: unable to access 'https://oauth2:glpat-0123456789abcdef@gitlab.example/x.git/': The requested URL returned error: 403\nremote: token glpat-0123456789abcdef is expired\n" });
    const everything = `${error.message} ${error.stderr} ${JSON.stringify(error)}`;
    expect(everything).not.toContain('glpat-0123456789abcdef');
    expect(everything).not.toContain('oauth2');
    expect(everything).not.toContain('\x1b');
    expect(error.failureClass).toBe('auth_failed');
  });

  it('keeps only the tail of a very long stderr in the message', () => {
    const error = new GitCommandError('fetch', { exitCode: 1, stderr: `${'x'.repeat(10_000)}THE END` });
    expect(error.message.length).toBeLessThan(2100);
    expect(error.message.endsWith('THE END')).toBe(true);
  });

  it('takes a failure class given by the caller over its own classification', () => {
    expect(new GitCommandError('fetch', { exitCode: 1, stderr: '' }, { failureClass: 'too_large' }).code).toBe('GATE_TOO_LARGE');
  });
});
