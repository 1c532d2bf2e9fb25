// Turns configured pins into the per-scope known_hosts ssh checks against. Key-line pins are
// written as they are; fingerprint pins are resolved once by scanning the host and keeping only
// the keys whose fingerprint is pinned.
import { GateError } from '../errors/index.js';
import { readKnownHosts, scanHostKeys, writeHostKeys } from './host-scan.js';
import { type HostKey, keysForPattern, knownHostsPattern, parseHostKeyPin } from './known-hosts.js';

/** Makes the per-scope known_hosts file agree with the pins; returns its text. No pins: the file as it is. */
export async function applyHostPins(options: { knownHostsFile: string; host: string; port: number; pins?: readonly string[] }): Promise<string> {
  const current = await readKnownHosts(options.knownHostsFile);
  if (options.pins === undefined || options.pins.length === 0) return current;
  const pattern = knownHostsPattern(options.host, options.port);
  const parsed = options.pins.map(parseHostKeyPin);
  const keyPins = parsed.flatMap((pin) => (pin.kind === 'key' ? [pin.key] : []));
  const fingerprints = new Set(parsed.flatMap((pin) => (pin.kind === 'fingerprint' ? [pin.fingerprint] : [])));

  let byFingerprint: HostKey[] = keysForPattern(current, pattern).filter((key) => fingerprints.has(key.fingerprint));
  if (fingerprints.size > 0 && byFingerprint.length === 0) {
    const scanned = await scanHostKeys({ host: options.host, port: options.port });
    byFingerprint = scanned.filter((key) => fingerprints.has(key.fingerprint));
    if (byFingerprint.length === 0) {
      throw new GateError('GATE_HOST_KEY_MISMATCH', `${pattern} presents ${scanned.map((key) => key.fingerprint).join(', ')}, none of which is pinned in ssh.host_keys`, {
        details: { host: pattern, presented: scanned.map((key) => key.fingerprint).join(' ') },
      });
    }
  }
  const wanted = dedupe([...keyPins, ...byFingerprint]);
  const have = keysForPattern(current, pattern);
  if (have.length !== wanted.length || have.some((key, i) => key.blob !== wanted[i]!.blob)) {
    await writeHostKeys(options.knownHostsFile, pattern, wanted);
    return readKnownHosts(options.knownHostsFile);
  }
  return current;
}

function dedupe(keys: HostKey[]): HostKey[] {
  const seen = new Set<string>();
  return keys.filter((key) => !seen.has(key.blob) && seen.add(key.blob));
}
