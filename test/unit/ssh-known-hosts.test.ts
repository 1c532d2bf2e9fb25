// Host-key pins and known_hosts lines: the [host]:port form, pin parsing, pattern matching.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isGateError } from '../../src/errors/index.js';
import { keyMaterialFrom } from '../../src/ssh/key-material.js';
import { keysForPattern, knownHostsPattern, parseHostKeyPin, withoutPattern } from '../../src/ssh/known-hosts.js';
import { upstreamEndpoint } from '../../src/ssh/upstream-endpoint.js';
import { parseUpstreamUrl } from '../../src/git/index.js';

const key = keyMaterialFrom(generateKeyPairSync('ed25519').privateKey);
const keyPart = `ssh-ed25519 ${key.publicBlob.toString('base64')}`;

describe('known_hosts patterns and pins', () => {
  it('uses the bare host on port 22 and [host]:port otherwise, IPv6 included', () => {
    expect(knownHostsPattern('GitHub.com', 22)).toBe('github.com');
    expect(knownHostsPattern('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
    expect(knownHostsPattern('[::1]', 2222)).toBe('[::1]:2222');
    expect(knownHostsPattern('[::1]', 22)).toBe('::1');
  });

  it('derives host and port from ssh://, scp-like and https:// upstreams', () => {
    expect(upstreamEndpoint(parseUpstreamUrl('ssh://git@example.com:2222/r.git'))).toEqual({ host: 'example.com', port: 2222 });
    expect(upstreamEndpoint(parseUpstreamUrl('git@example.com:org/r.git'))).toEqual({ host: 'example.com', port: 22 });
    expect(upstreamEndpoint(parseUpstreamUrl('ssh://[::1]:2200/r.git'))).toEqual({ host: '::1', port: 2200 });
    expect(upstreamEndpoint(parseUpstreamUrl('https://example.com/r.git'))).toEqual({ host: 'example.com', port: 443 });
  });

  it('parses fingerprints, bare key lines and known_hosts lines; refuses the rest', () => {
    expect(parseHostKeyPin(key.fingerprint)).toEqual({ kind: 'fingerprint', fingerprint: key.fingerprint });
    for (const text of [keyPart, `${keyPart} comment here`, `example.com,10.0.0.1 ${keyPart}`]) {
      const pin = parseHostKeyPin(text);
      expect(pin.kind === 'key' && pin.key.fingerprint).toBe(key.fingerprint);
    }
    for (const bad of ['SHA256:short', `@cert-authority * ${keyPart}`, 'ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ', 'ssh-rsa ' + key.publicBlob.toString('base64'), 'hello']) {
      expect(() => parseHostKeyPin(bad)).toThrow();
      try {
        parseHostKeyPin(bad);
      } catch (error) {
        expect(isGateError(error, 'GATE_INVALID_ARGUMENT')).toBe(true);
      }
    }
  });

  it('finds and drops lines by exact host pattern only', () => {
    const text = [`[h]:2222 ${keyPart}`, `h ${keyPart}`, `# comment [h]:2222 ${keyPart}`, `other,[h]:2222 ${keyPart}`, ''].join('\n');
    expect(keysForPattern(text, '[h]:2222')).toHaveLength(2);
    expect(keysForPattern(text, 'h')).toHaveLength(1);
    expect(withoutPattern(text, '[h]:2222')).toEqual([`h ${keyPart}`, `# comment [h]:2222 ${keyPart}`]);
  });
});
