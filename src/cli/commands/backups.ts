import { GateError } from '../../errors/index.js';
import type { BackupRef, GitGate } from '../../gate/index.js';
import type { CommandDefinition } from '../app.js';
import type { CliContext } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { capped, count, shortSha, table } from '../format/text.js';
import { backupJson } from '../json-shapes.js';
import { withProjectGate } from '../open-gate.js';

const ACTIONS = ['list', 'restore', 'delete', 'prune'] as const;
type Action = (typeof ACTIONS)[number];

interface BackupsOptions {
  olderThan?: string;
  json?: boolean;
}

/** `gate backups <project> [list | restore REF | delete REF | prune [--older-than DAYS]]`. */
export const defineBackups: CommandDefinition = (program, app) => {
  program
    .command('backups')
    .summary('list, restore, delete or prune backup refs')
    .description('Backups are written before any destructive change. REF is a full ref from `list`\n(refs/gate/backup/…) or the part after refs/gate/backup/.')
    .argument('<project>', 'project name')
    .argument('[action]', `one of ${ACTIONS.join(', ')} (default: list)`)
    .argument('[ref]', 'the backup ref, for restore and delete')
    .option('--older-than <days>', 'for prune: delete backups older than this many days (default: the retention period)')
    .option('--json', 'print JSON')
    .action(app.action<BackupsOptions>(async (ctx, [name, action = 'list', ref], options) => {
      const verb = parseAction(action, ref, options);
      const days = options.olderThan === undefined ? undefined : parseDays(options.olderThan);
      return withProjectGate(ctx, name!, {}, (open) => run(ctx, open.gate, verb, ref === undefined ? undefined : fullRef(ref), days));
    }));
};

function parseAction(action: string, ref: string | undefined, options: BackupsOptions): Action {
  if (!(ACTIONS as readonly string[]).includes(action)) throw new GateError('GATE_USAGE', `unknown backups action ${JSON.stringify(action.slice(0, 40))}`, { fix: `Use one of: ${ACTIONS.join(', ')}.` });
  const verb = action as Action;
  if ((verb === 'restore' || verb === 'delete') && ref === undefined) throw new GateError('GATE_USAGE', `backups ${verb} needs the backup ref`, { fix: 'Pick a ref from `gate backups <project> list`.' });
  if ((verb === 'list' || verb === 'prune') && ref !== undefined) throw new GateError('GATE_USAGE', `backups ${verb} takes no ref`, { fix: `Run \`gate backups <project> ${verb}\`.` });
  if (verb !== 'prune' && options.olderThan !== undefined) throw new GateError('GATE_USAGE', '--older-than goes with prune', { fix: 'Run `gate backups <project> prune --older-than DAYS`.' });
  return verb;
}

function parseDays(text: string): number {
  if (!/^[0-9]{1,5}$/.test(text)) throw new GateError('GATE_USAGE', `--older-than expects a whole number of days, got ${JSON.stringify(text.slice(0, 40))}`, { fix: 'Give a number of days, e.g. --older-than 30 (0 deletes every backup).' });
  return Number(text);
}

function fullRef(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/gate/backup/${ref}`;
}

async function run(ctx: CliContext, gate: GitGate, verb: Action, ref: string | undefined, days: number | undefined): Promise<ExitCode> {
  const { out } = ctx;
  switch (verb) {
    case 'list': {
      const backups = await gate.listBackups();
      if (out.json) out.emit('backups', { project: gate.scope, action: verb, backups: backups.map(backupJson) });
      else if (backups.length === 0) out.print(`no backups for ${gate.scope}`);
      else for (const line of capped(table([['BRANCH', 'SHA', 'CREATED', 'REF'], ...backups.map((b) => [b.branch, shortSha(b.sha), b.createdAt, b.ref])]), 50)) out.print(line);
      break;
    }
    case 'restore': {
      const restored = await gate.restoreBackup(ref!);
      if (out.json) out.emit('backups', { project: gate.scope, action: verb, restored: { branch: restored.branch, sha: restored.sha, backupOfCurrent: restored.backupOfCurrent ? backupJson(restored.backupOfCurrent) : null } });
      else {
        out.print(`restored ${restored.branch} to ${shortSha(restored.sha)}`);
        if (restored.backupOfCurrent) out.print(`its previous tip ${shortSha(restored.backupOfCurrent.sha)} was backed up as ${restored.backupOfCurrent.ref}`);
      }
      break;
    }
    case 'delete': {
      const deleted = await gate.deleteBackup(ref!);
      if (out.json) out.emit('backups', { project: gate.scope, action: verb, deleted: [backupJson(deleted)] });
      else out.print(`deleted backup ${deleted.ref}`);
      break;
    }
    case 'prune': {
      const deleted: BackupRef[] = await gate.pruneBackups(days);
      if (out.json) out.emit('backups', { project: gate.scope, action: verb, deleted: deleted.map(backupJson) });
      else out.print(`pruned ${count(deleted.length, 'backup')}${days === undefined ? ' older than the retention period' : ` older than ${count(days, 'day')}`}`);
      break;
    }
  }
  return EXIT.ok;
}
