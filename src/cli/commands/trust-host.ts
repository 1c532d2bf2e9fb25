import { GateError } from '../../errors/index.js';
import { type HostKey, knownHostsPattern, parseHostKeyPin, readKnownHosts, scanHostKeys, type ScannedHostKey, trustHost } from '../../ssh/index.js';
import type { CommandDefinition } from '../app.js';
import { requireConsent } from '../credentials/confirm-step.js';
import { credentialProject } from '../credentials/project-credentials.js';
import { EXIT } from '../exit-codes.js';
import { table } from '../format/text.js';

interface TrustHostOptions {
  replace?: boolean;
  yes?: boolean;
  json?: boolean;
}

type KeyStatus = 'pinned' | 'new' | 'changed';

/**
 * `gate trust-host <project>`: scan the SSH upstream's host keys (in-process, no login), show
 * their fingerprints, and pin them in the project's known_hosts once the operator agrees. A key
 * that differs from the pinned one is refused unless --replace: a changed host key is exactly
 * what a man in the middle looks like.
 */
export const defineTrustHost: CommandDefinition = (program, app) => {
  program
    .command('trust-host')
    .summary('show the SSH upstream\'s host key fingerprints and pin them')
    .description('Scan the host keys of the project\'s SSH upstream (no login), print each type and SHA256 fingerprint, and pin them after a [y/N] prompt on a terminal (--yes without one). Pins can also be written in the project file under ssh.host_keys (key lines or SHA256 fingerprints).')
    .argument('<project>', 'project name')
    .option('--replace', 'replace pinned keys that changed (verify the new fingerprint with the host\'s operator first)')
    .option('--yes', 'pin without asking (required without a terminal)')
    .option('--json', 'print JSON')
    .action(app.action<TrustHostOptions>(async (ctx, [name], options) => {
      const { project, host, port, knownHostsFile } = await credentialProject(ctx, name!, 'ssh');
      const pattern = knownHostsPattern(host, port);
      const scanned = await scanHostKeys({ host, port });
      const pinned = pinnedKeys(await readKnownHosts(knownHostsFile), pattern);
      const keys = scanned.map((key) => ({ key, status: statusOf(key, pinned), pinned: pinned.find((old) => old.type === key.type && old.blob !== key.blob)?.fingerprint ?? null }));
      const { out } = ctx;
      if (!out.json) {
        out.print(`${pattern} presents:`);
        for (const line of table(keys.map(({ key, status, pinned: old }) => [key.type, key.fingerprint, status === 'changed' ? `CHANGED (pinned: ${old})` : status]), '  ')) out.print(line);
      }
      const changed = keys.find((entry) => entry.status === 'changed');
      if (changed !== undefined && !options.replace) {
        throw new GateError('GATE_HOST_KEY_MISMATCH', `${pattern} now presents ${changed.key.type} key ${changed.key.fingerprint}, but ${changed.pinned} is pinned; nothing was changed`, {
          details: { host: pattern, pinned: changed.pinned, presented: changed.key.fingerprint },
        });
      }
      const toWrite = keys.filter((entry) => entry.status !== 'pinned');
      if (toWrite.length > 0) {
        await requireConsent(ctx, {
          what: `pinning the host keys of ${pattern}`,
          question: `Pin ${toWrite.length === 1 ? 'this key' : `these ${toWrite.length} keys`} for ${pattern}? Check the fingerprint with the host's operator or documentation first.`,
          command: `gate trust-host ${project.name}${options.replace ? ' --replace' : ''}`,
          yes: options.yes,
        });
        await trustHost({ knownHostsFile, host, port, replace: options.replace === true, scanned });
      }
      if (out.json) {
        out.emit('trust-host', { project: project.name, host: pattern, knownHostsFile, written: toWrite.length > 0, keys: keys.map(({ key, status, pinned: old }) => ({ type: key.type, fingerprint: key.fingerprint, status, replacedFingerprint: old })) });
        return EXIT.ok;
      }
      out.print(toWrite.length > 0 ? `pinned in ${knownHostsFile}` : 'every key is already pinned; nothing to do');
      if (project.ssh.hostKeys.length > 0) out.print(`note: ${project.file} sets ssh.host_keys; those pins are the whole truth at each sync and replace this file's keys for ${pattern}`);
      else out.print(`Pins can also go in ${project.file} under ssh.host_keys (key lines or SHA256 fingerprints). Next: gate sync ${project.name}`);
      return EXIT.ok;
    }));
};

function statusOf(key: ScannedHostKey, pinned: readonly HostKey[]): KeyStatus {
  if (pinned.some((old) => old.blob === key.blob)) return 'pinned';
  return pinned.some((old) => old.type === key.type) ? 'changed' : 'new';
}

/** The keys pinned for exactly this host pattern in a known_hosts file. */
function pinnedKeys(text: string, pattern: string): HostKey[] {
  const out: HostKey[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3 || !fields[0]!.split(',').includes(pattern)) continue;
    try {
      const pin = parseHostKeyPin(fields.slice(1, 3).join(' '));
      if (pin.kind === 'key') out.push(pin.key);
    } catch {
      // ssh ignores a malformed line too.
    }
  }
  return out;
}
