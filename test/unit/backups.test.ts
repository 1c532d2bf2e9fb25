import { describe, expect, it } from 'vitest';
import { GateError } from '../../src/errors/index.js';
import { BackupNamer, backupStamp, findBackup, listBackupRefs, parseBackupRef } from '../../src/gate/backups.js';

const SHA = '7802ed340f1adc23714005257ffb5ec1ddc5723d';
const OTHER = '79fde3b7e238151e60fa22d531d276c8e8c5a7c2';
const SHA256 = 'ab'.repeat(32);
const AT = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));

describe('backupStamp', () => {
  it('is a compact UTC stamp with milliseconds', () => {
    expect(backupStamp(AT)).toBe('20260102T030405.006Z');
  });

  it('sorts in time order as plain text', () => {
    const stamps = [new Date(Date.UTC(2026, 11, 31, 23, 59, 59, 999)), new Date(Date.UTC(2025, 0, 1)), AT, new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 7))].map(backupStamp);
    expect([...stamps].sort()).toEqual(['20250101T000000.000Z', '20260102T030405.006Z', '20260102T030405.007Z', '20261231T235959.999Z']);
  });

  it('is the same instant whatever the local time zone would say (always UTC)', () => {
    expect(backupStamp(new Date('2026-01-02T05:04:05.006+02:00'))).toBe('20260102T030405.006Z');
  });
});

describe('parseBackupRef', () => {
  it('reads branch, sha and creation time back from a name BackupNamer wrote', () => {
    const { ref } = new BackupNamer([], AT).backup('main', SHA);
    expect(ref).toBe(`refs/gate/backup/main/20260102T030405.006Z-${SHA}`);
    expect(parseBackupRef(ref, SHA)).toEqual({ ref, branch: 'main', sha: SHA, createdAt: '2026-01-02T03:04:05.006Z' });
  });

  it('round-trips the creation time exactly', () => {
    for (const date of [AT, new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 999)), new Date(0)]) {
      const { ref } = new BackupNamer([], date).backup('main', SHA);
      expect(parseBackupRef(ref, SHA)?.createdAt).toBe(date.toISOString());
    }
  });

  it('keeps a branch name with slashes whole', () => {
    const { ref } = new BackupNamer([], AT).backup('feature/team/login', SHA);
    expect(parseBackupRef(ref, SHA)).toMatchObject({ branch: 'feature/team/login' });
  });

  it('reads SHA-256 names and -<n> suffixes', () => {
    expect(parseBackupRef(`refs/gate/backup/main/20260102T030405.006Z-${SHA256}`, SHA256)).toMatchObject({ branch: 'main', sha: SHA256 });
    expect(parseBackupRef(`refs/gate/backup/main/20260102T030405.006Z-${SHA}-3`, SHA)).toMatchObject({ branch: 'main', createdAt: '2026-01-02T03:04:05.006Z' });
  });

  it.each([
    ['refs/heads/main'],
    ['refs/gate/attic/main'],
    ['refs/gate/backup/main/manual-save'],
    [`refs/gate/backup/main/${SHA}`],
    [`refs/gate/backup/20260102T030405.006Z-${SHA}`],
    [`refs/gate/backup//20260102T030405.006Z-${SHA}`],
    [`refs/gate/backup/main/20260102T030405Z-${SHA}`],
    [`refs/gate/backup/main/20260102T030405.006Z-${SHA.toUpperCase()}`],
    [`refs/gate/backup/main/20260102T030405.006Z-${SHA.slice(0, 12)}`],
    [`refs/gate/backup/main/20260102T030405.006Z-${SHA}-x`],
    [`refs/gate/backup/main/20260102T030405.006Z-${SHA}.bak`],
    [`refs/gate/backupmain/20260102T030405.006Z-${SHA}`],
    [`refs/other/backup/main/20260102T030405.006Z-${SHA}`],
  ])('%s was not named by git-gate and is not parsed (so never deleted)', (ref) => {
    expect(parseBackupRef(ref, SHA)).toBeNull();
  });
});

describe('BackupNamer', () => {
  it('names two backups of the same branch and sha in the same millisecond apart', () => {
    const namer = new BackupNamer([], AT);
    const refs = [namer.backup('main', SHA), namer.backup('main', SHA), namer.backup('main', SHA)].map((update) => update.ref);
    expect(refs).toEqual([
      `refs/gate/backup/main/20260102T030405.006Z-${SHA}`,
      `refs/gate/backup/main/20260102T030405.006Z-${SHA}-2`,
      `refs/gate/backup/main/20260102T030405.006Z-${SHA}-3`,
    ]);
    for (const ref of refs) expect(parseBackupRef(ref, SHA)).not.toBeNull();
  });

  it('does not reuse a name that already exists in the gate', () => {
    const existing = [`refs/gate/backup/main/20260102T030405.006Z-${SHA}`, `refs/gate/backup/main/20260102T030405.006Z-${SHA}-2`];
    expect(new BackupNamer(existing, AT).backup('main', SHA).ref).toBe(`refs/gate/backup/main/20260102T030405.006Z-${SHA}-3`);
  });

  it('needs no suffix for a different sha or branch in the same millisecond', () => {
    const namer = new BackupNamer([], AT);
    namer.backup('main', SHA);
    expect(namer.backup('main', OTHER).ref).toBe(`refs/gate/backup/main/20260102T030405.006Z-${OTHER}`);
    expect(namer.backup('dev', SHA).ref).toBe(`refs/gate/backup/dev/20260102T030405.006Z-${SHA}`);
  });

  it('returns a create update (the ref must not exist) of the backed-up sha', () => {
    expect(new BackupNamer([], AT).backup('main', SHA)).toEqual({ op: 'create', ref: `refs/gate/backup/main/20260102T030405.006Z-${SHA}`, newSha: SHA });
  });

  it('produces a thousand distinct names in one batch', () => {
    const namer = new BackupNamer([], AT);
    const refs = new Set(Array.from({ length: 1000 }, () => namer.backup('main', SHA).ref));
    expect(refs.size).toBe(1000);
  });
});

describe('listBackupRefs', () => {
  it('lists git-gate backups newest first and leaves other refs out', () => {
    const older = new BackupNamer([], new Date(Date.UTC(2025, 5, 1))).backup('main', OTHER).ref;
    const newest = new BackupNamer([], new Date(Date.UTC(2026, 5, 1))).backup('dev', SHA).ref;
    const middle = new BackupNamer([], AT).backup('feature/x', SHA).ref;
    const listed = listBackupRefs(
      new Map([
        [older, OTHER],
        ['refs/gate/backup/main/hand-made', SHA],
        [newest, SHA],
        [middle, SHA],
      ]),
    );
    expect(listed.map((backup) => backup.ref)).toEqual([newest, middle, older]);
    expect(listed.map((backup) => backup.createdAt)).toEqual(['2026-06-01T00:00:00.000Z', '2026-01-02T03:04:05.006Z', '2025-06-01T00:00:00.000Z']);
  });

  it('lists the later of two same-millisecond backups first', () => {
    const namer = new BackupNamer([], AT);
    const first = namer.backup('main', SHA).ref;
    const second = namer.backup('main', SHA).ref;
    expect(listBackupRefs(new Map([[first, SHA], [second, SHA]])).map((backup) => backup.ref)).toEqual([second, first]);
  });

  it('is empty for no refs', () => {
    expect(listBackupRefs(new Map())).toEqual([]);
  });
});

describe('findBackup', () => {
  const ref = `refs/gate/backup/main/20260102T030405.006Z-${SHA}`;

  it('finds a backup by its full ref', () => {
    expect(findBackup(new Map([[ref, SHA]]), ref)).toEqual({ ref, branch: 'main', sha: SHA, createdAt: '2026-01-02T03:04:05.006Z' });
  });

  it('fails with GATE_BACKUP_NOT_FOUND for a missing ref', () => {
    expect(() => findBackup(new Map(), ref)).toThrow(GateError);
    expect(() => findBackup(new Map(), ref)).toThrow(expect.objectContaining({ code: 'GATE_BACKUP_NOT_FOUND' }));
  });

  it('fails with GATE_BACKUP_NOT_FOUND for an existing ref git-gate did not name', () => {
    expect(() => findBackup(new Map([['refs/gate/backup/main/hand-made', SHA]]), 'refs/gate/backup/main/hand-made')).toThrow(expect.objectContaining({ code: 'GATE_BACKUP_NOT_FOUND' }));
  });
});
