import { describe, expect, it } from 'vitest';
import { classifyGitFailure, type GitExit, type GitFailureClass } from '../../src/git/classify.js';

// stderr as git 2.39 and OpenSSH print it under LC_ALL=C. Lines marked "captured" were produced by
// running real git in a temp dir; ssh's own lines end in "\r\n" because ssh writes them to a tty-style
// stream, and that is kept.
const CONTEXT = 'fatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n';

const HOST_KEY_CHANGED = [
  '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
  '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
  '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
  'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
  'Someone could be eavesdropping on you right now (man-in-the-middle attack)!',
  'It is also possible that a host key has just been changed.',
  'The fingerprint for the ED25519 key sent by the remote host is',
  'SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU.',
  'Please contact your system administrator.',
  'Add correct host key in /home/gate/.ssh/known_hosts to get rid of this message.',
  'Offending ED25519 key in /home/gate/.ssh/known_hosts:1',
  'Host key for github.com has changed and you have requested strict checking.',
  'Host key verification failed.',
  CONTEXT,
].join('\r\n');

const cases: ReadonlyArray<readonly [string, GitExit, GitFailureClass]> = [
  ['ssh refuses the key', { exitCode: 128, stderr: `git@github.com: Permission denied (publickey).\r\n${CONTEXT}` }, 'auth_failed'],
  ['https refuses the token', { exitCode: 128, stderr: "remote: Invalid username or password.\nfatal: Authentication failed for 'https://github.com/org/repo.git/'\n" }, 'auth_failed'],
  ['https wants a password and prompts are off', { exitCode: 128, stderr: "fatal: could not read Username for 'https://github.com': terminal prompts disabled\n" }, 'auth_failed'],
  ['https answers 403', { exitCode: 128, stderr: "fatal: unable to access 'https://git.example.com/org/repo.git/': The requested URL returned error: 403\n" }, 'auth_failed'],
  ['the ssh agent refuses to sign', { exitCode: 128, stderr: `sign_and_send_pubkey: signing failed for ED25519 "gate" from agent: agent refused operation\r\ngit@github.com: Permission denied (publickey).\r\n${CONTEXT}` }, 'auth_failed'],
  ['the host key changed', { exitCode: 128, stderr: HOST_KEY_CHANGED }, 'host_key_mismatch'],
  ['the host key is unknown with strict checking', { exitCode: 128, stderr: `No ED25519 host key is known for github.com and you have requested strict checking.\r\nHost key verification failed.\r\n${CONTEXT}` }, 'host_key_unknown'],
  ['only "Host key verification failed." is printed', { exitCode: 128, stderr: `Host key verification failed.\r\n${CONTEXT}` }, 'host_key_unknown'],
  ['an https repository is missing', { exitCode: 128, stderr: "remote: Repository not found.\nfatal: repository 'https://x/y.git/' not found\n" }, 'remote_not_found'],
  ['a GitHub ssh repository is missing', { exitCode: 128, stderr: `ERROR: Repository not found.\n${CONTEXT}` }, 'remote_not_found'],
  // captured: git ls-remote -- /tmp/…/nope
  ['a local repository is missing', { exitCode: 128, stderr: `fatal: '/tmp/tmp.7dL9phLrQf/nope' does not appear to be a git repository\n${CONTEXT}` }, 'remote_not_found'],
  // captured: git ls-remote -- git@nohost:x/y.git
  ['an ssh host name does not resolve', { exitCode: 128, stderr: `ssh: Could not resolve hostname nohost: Name or service not known\r\n${CONTEXT}` }, 'network_failed'],
  // captured: git ls-remote -- ssh://git@127.0.0.1:1/x.git
  ['an ssh connection is refused', { exitCode: 128, stderr: `ssh: connect to host 127.0.0.1 port 1: Connection refused\r\n${CONTEXT}` }, 'network_failed'],
  // captured: git ls-remote -- https://nohost.invalid/x/y.git
  ['an https host name does not resolve', { exitCode: 128, stderr: "fatal: unable to access 'https://nohost.invalid/x/y.git/': Could not resolve host: nohost.invalid\n" }, 'network_failed'],
  ['the server hangs up mid-fetch', { exitCode: 128, stderr: 'fetch-pack: unexpected disconnect while reading sideband packet\nfatal: early EOF\nfatal: fetch-pack: invalid index-pack output\n' }, 'network_failed'],
  ['ssh is cut off during key exchange', { exitCode: 128, stderr: `kex_exchange_identification: Connection closed by remote host\r\nConnection closed by 192.0.2.1 port 22\r\n${CONTEXT}` }, 'network_failed'],
  // captured: update-ref --stdin with a stale old value
  ['a ref moved under a compare-and-swap', { exitCode: 128, stderr: "start: ok\nfatal: prepare: cannot lock ref 'refs/heads/main': is at 7802ed340f1adc23714005257ffb5ec1ddc5723d but expected 79fde3b7e238151e60fa22d531d276c8e8c5a7c2\n" }, 'lock_contention'],
  // captured: update-ref --stdin create of an existing ref
  ['a created ref already exists', { exitCode: 128, stderr: "start: ok\nfatal: prepare: cannot lock ref 'refs/heads/main': reference already exists\n" }, 'lock_contention'],
  // captured: update-ref --stdin with refs/heads/main.lock present
  ['a .lock file is in the way', { exitCode: 128, stderr: "start: ok\nfatal: prepare: cannot lock ref 'refs/heads/main': Unable to create '/tmp/tmp.7dL9phLrQf/up/.git/refs/heads/main.lock': File exists.\n\nAnother git process seems to be running in this repository, e.g.\nan editor opened by 'git commit'.\n" }, 'lock_contention'],
  ['the disk is full while writing a pack', { exitCode: 128, stderr: 'error: unable to write file .git/objects/pack/tmp_pack_Xa81Zq: No space left on device\nfatal: index-pack failed\n' }, 'disk_full'],
  ['the quota is exhausted', { exitCode: 128, stderr: "error: unable to create temporary file: Disk quota exceeded\nfatal: failed to write object\n" }, 'disk_full'],
  ['fsck rejects a fetched object', { exitCode: 128, stderr: 'error: object 5e1d0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b: badTimezone: invalid author/committer line - bad time zone\nfatal: fsck error in packed object\nfatal: index-pack failed\n' }, 'corrupt_object'],
  ['a loose object is corrupt', { exitCode: 128, stderr: 'error: inflate: data stream error (incorrect header check)\nerror: unable to unpack 8a45d656c1340f426e318c14a386c9fb5ac1e568 header\nfatal: loose object 8a45d656c1340f426e318c14a386c9fb5ac1e568 (stored in objects/8a/45d6) is corrupt\n' }, 'corrupt_object'],
  ['the server refuses a big push', { exitCode: 1, stderr: 'remote: fatal: pack exceeds maximum allowed size\nerror: remote unpack failed: index-pack abnormal exit\n' }, 'too_large'],
  ['a local pack is too big', { exitCode: 128, stderr: 'fatal: pack exceeds maximum allowed size\n' }, 'too_large'],
  ['git dies by SIGSEGV', { signal: 'SIGSEGV', stderr: '' }, 'crashed'],
  ['git dies by SIGABRT after printing something unrecognised', { signal: 'SIGABRT', stderr: 'BUG: refs.c:123: something odd\n' }, 'crashed'],
  ['a shell reports exit 139 (128 + SIGSEGV)', { exitCode: 139, stderr: '' }, 'crashed'],
  ['the time limit ran out', { timedOut: true, signal: 'SIGKILL', stderr: '' }, 'timeout'],
  ['the caller cancelled', { cancelled: true, signal: 'SIGTERM', stderr: '' }, 'cancelled'],
  ['git fails with an unrecognised message', { exitCode: 128, stderr: "fatal: ambiguous argument 'nope': unknown revision or path not in the working tree.\n" }, 'unknown'],
  ['git exits 1 silently', { exitCode: 1, stderr: '' }, 'unknown'],
  ['git exits 128 (its own fatal) silently', { exitCode: 128, stderr: '' }, 'unknown'],
  ['git is killed by SIGPIPE (exit 141)', { exitCode: 141, stderr: '' }, 'unknown'],
  ['ssh exits 255 with nothing printed', { exitCode: 255, stderr: '' }, 'unknown'],
];

describe('classifyGitFailure', () => {
  it.each(cases)('%s → %s', (_what, exit, expected) => {
    expect(classifyGitFailure(exit)).toBe(expected);
  });

  it('a cancellation wins over a timeout and over stderr', () => {
    expect(classifyGitFailure({ cancelled: true, timedOut: true, stderr: 'Permission denied (publickey).' })).toBe('cancelled');
  });

  it('a timeout wins over whatever stderr said before the kill', () => {
    expect(classifyGitFailure({ timedOut: true, stderr: 'fatal: early EOF\n' })).toBe('timeout');
  });

  it('a changed host key is not mistaken for an unknown one, although ssh prints both lines', () => {
    expect(HOST_KEY_CHANGED).toContain('Host key verification failed.');
    expect(classifyGitFailure({ exitCode: 128, stderr: HOST_KEY_CHANGED })).toBe('host_key_mismatch');
  });

  it('an auth failure is not mistaken for a network failure, although git adds "Could not read from remote repository"', () => {
    expect(classifyGitFailure({ exitCode: 128, stderr: `git@github.com: Permission denied (publickey).\r\n${CONTEXT}` })).toBe('auth_failed');
  });

  it('a recognised stderr line wins over a signal', () => {
    expect(classifyGitFailure({ signal: 'SIGTERM', stderr: 'No space left on device' })).toBe('disk_full');
  });

  it('a null signal (as node reports a normal exit) does not count as a crash', () => {
    expect(classifyGitFailure({ exitCode: 1, signal: null as unknown as string, stderr: '' })).toBe('unknown');
  });

  it.each([
    ['undefined stderr', { exitCode: 128, stderr: undefined as unknown as string }],
    ['null stderr', { exitCode: 128, stderr: null as unknown as string }],
    ['a number as stderr', { exitCode: 128, stderr: 42 as unknown as string }],
    ['stderr whose toString throws', { exitCode: 128, stderr: { toString: () => { throw new Error('boom'); } } as unknown as string }],
    ['a null exit', null as unknown as GitExit],
    ['an undefined exit', undefined as unknown as GitExit],
    ['binary garbage', { exitCode: 128, stderr: '\u0000\uffff\ud800\x1b[2J'.repeat(1000) }],
  ])('never throws on %s', (_what, exit) => {
    expect(() => classifyGitFailure(exit)).not.toThrow();
    expect(classifyGitFailure(exit)).toBe('unknown');
  });
});
