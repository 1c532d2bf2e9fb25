import { afterEach, describe, expect, it } from 'vitest';
import { escapeControl, redactSecrets, registerSecret, sanitize } from '../../src/log/redact.js';

// The secret registry is process-wide; every test forgets what it registered.
const forgetters: Array<() => void> = [];
function remember(value: string): () => void {
  const forget = registerSecret(value);
  forgetters.push(forget);
  return forget;
}
afterEach(() => {
  for (const forget of forgetters.splice(0)) forget();
});

describe('redactSecrets: URL userinfo', () => {
  it.each([
    ["fatal: unable to access 'https://alice:s3cret@github.com/org/repo.git/': 403", "fatal: unable to access 'https://***@github.com/org/repo.git/': 403"],
    ['https://ghp_abcdefghijklmnop@github.com/org/repo.git', 'https://***@github.com/org/repo.git'],
    ['ssh://git:hunter2@host:2222/repo.git', 'ssh://***@host:2222/repo.git'],
    ['git+ssh://git:hunter2@host/repo.git', 'git+ssh://***@host/repo.git'],
    ['HTTPS://Alice:pw@Host/x', 'HTTPS://***@Host/x'],
    ['from "https://a:b@one/x" and <https://c:d@two/y>', 'from "https://***@one/x" and <https://***@two/y>'],
    ['line one https://u:p@h/x\nline two https://v:q@i/y', 'line one https://***@h/x\nline two https://***@i/y'],
  ])('%j → %j', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('a URL with no userinfo is left alone, even with "@" in its path', () => {
    expect(redactSecrets('https://github.com/org/repo@v1.git')).toBe('https://github.com/org/repo@v1.git');
  });

  it('scp-like user names are not secrets and are left alone', () => {
    expect(redactSecrets('git@github.com: Permission denied (publickey).')).toBe('git@github.com: Permission denied (publickey).');
  });

  it('a password containing a raw "@" is removed whole', () => {
    expect(redactSecrets('https://alice:p@ssw0rd@github.com/org/repo.git')).toBe('https://***@github.com/org/repo.git');
  });
});

describe('redactSecrets: registered secrets', () => {
  it('replaces every occurrence of a registered secret', () => {
    remember('tok_1234567890abcdef');
    expect(redactSecrets('token tok_1234567890abcdef then tok_1234567890abcdef.')).toBe('token *** then ***.');
  });

  it('replaces secrets inside otherwise harmless text and in URLs without userinfo', () => {
    remember('Zq9-secret-passphrase');
    expect(redactSecrets('header: Authorization: Basic Zq9-secret-passphrase\nhttps://host/?t=Zq9-secret-passphrase')).toBe('header: Authorization: Basic ***\nhttps://host/?t=***');
  });

  it('stops replacing a secret once it is forgotten', () => {
    const forget = remember('tok_1234567890abcdef');
    forget();
    expect(redactSecrets('tok_1234567890abcdef')).toBe('tok_1234567890abcdef');
  });

  it('forgetting twice is harmless', () => {
    const forget = remember('tok_1234567890abcdef');
    forget();
    expect(() => forget()).not.toThrow();
  });

  it('does not register secrets shorter than 8 characters (they would mangle ordinary text)', () => {
    remember('main');
    remember('1234567');
    expect(redactSecrets('branch main at 1234567')).toBe('branch main at 1234567');
  });

  it('registers a secret of exactly 8 characters', () => {
    remember('abcdefgh');
    expect(redactSecrets('x abcdefgh y')).toBe('x *** y');
  });

  it('a longer secret that starts with a shorter registered one is removed whole, not just its prefix', () => {
    remember('secret-one-aaaa');
    remember('secret-one-aaaa-and-more');
    expect(redactSecrets('a secret-one-aaaa-and-more b secret-one-aaaa c')).toBe('a *** b *** c');
  });

  it('a secret registered by two users stays redacted until both have forgotten it', () => {
    const forgetFirst = remember('shared-token-0123456789');
    remember('shared-token-0123456789');
    forgetFirst();
    expect(redactSecrets('shared-token-0123456789')).toBe('***');
  });

  it('secrets with regular-expression characters are replaced literally', () => {
    remember('a.b*c+d?(e)[f]$');
    expect(redactSecrets('x a.b*c+d?(e)[f]$ y aXbbcd')).toBe('x *** y aXbbcd');
  });
});

describe('escapeControl', () => {
  it('keeps newline and tab', () => {
    expect(escapeControl('a\tb\nc')).toBe('a\tb\nc');
  });

  it.each([
    ['\x1b[31mred\x1b[0m', '\\x1b[31mred\\x1b[0m'],
    ['\x1b]8;;https://evil/\x07link\x1b]8;;\x07', '\\x1b]8;;https://evil/\\x07link\\x1b]8;;\\x07'],
    ['progress\rforged', 'progress\\x0dforged'],
    ['nul\0byte', 'nul\\x00byte'],
    ['bs\b', 'bs\\x08'],
    ['vt\x0bff\x0c', 'vt\\x0bff\\x0c'],
    ['del\x7f', 'del\\x7f'],
    ['csi\u009b2J', 'csi\\x9b2J'],
    ['nel\u0085', 'nel\\x85'],
  ])('%j → %j', (input, expected) => {
    expect(escapeControl(input)).toBe(expected);
  });

  it('leaves printable non-ASCII text alone', () => {
    expect(escapeControl('héllo wörld — ✓')).toBe('héllo wörld — ✓');
  });
});

describe('sanitize', () => {
  it('redacts and escapes in one pass', () => {
    remember('tok_1234567890abcdef');
    expect(sanitize("remote: \x1b[2Jfatal: https://u:p@host/x tok_1234567890abcdef\n")).toBe('remote: \\x1b[2Jfatal: https://***@host/x ***\n');
  });
});
