import { existsSync } from 'node:fs';
import path from 'node:path';
import { GateError } from '../errors/index.js';
import { GitRunner, parseUpstreamUrl, type RemoteInspection, type UpstreamUrl } from '../git/index.js';
import { type Logger, silentLogger } from '../log/index.js';
import { listBackupRefs } from './backups.js';
import { type CacheRefresh, refreshCloneCache, seedWorkspaceFromCache } from './clone-cache/clone-cache.js';
import { cleanLeftovers, cleanNewGateTemps } from './cleanup.js';
import { Coalescer } from './coalesce.js';
import type { GateContext } from './context.js';
import { assertSafeGateDir, type GateIdentity, normalizeGateConfig, readHeadTarget } from './gate-repo.js';
import { lockPathFor } from './layout.js';
import { acquireGateLock, type HeldLock } from './lock.js';
import { maintainGate, type MaintenanceReport } from './maintain.js';
import { assertScope, defaultValidateGate, type GitGateOptions } from './options.js';
import { type ApplyResult, applyPendingOps, readPendingOps } from './pending.js';
import { readRefState } from './ref-state.js';
import { wipeGateWithBundle } from './reinit.js';
import { restoreFromBackup, deleteBackupRef, pruneBackupRefs } from './backup-ops.js';
import { measureStaleness } from './staleness.js';
import { gateExists, planFromSurvey, surveyUpstream } from './survey.js';
import { emptySyncResult, ensureGate, inspectUpstream, recordFailure, syncWithUpstream } from './sync.js';
import { checkUpstream, type UpstreamCheck } from './upstream-check.js';
import { createScopeTransport, type ScopeTransport } from '../ssh/index.js';
import { defaultTransport } from './transport.js';
import type { BackupRef, BranchStaleness, CommitInfo, GatePlan, GateSyncResult, PendingOp } from './types.js';
import type { Transport } from './upstream-fetch.js';

/** Options for one sync. */
export interface SyncOptions {
  /** Only these branches (tags are then left for a full sync). */
  branches?: readonly string[];
  /** Wipe and rebuild the gate; every ref is bundled first. The only destructive path. */
  forceReinit?: boolean;
  signal?: AbortSignal;
  /**
   * git's fetch progress, one sanitised line at a time (for a terminal). Concurrent callers share
   * one sync: the lines go to the caller whose call started it.
   */
  onProgress?: (line: string) => void;
}

const DEFAULT_RETENTION_DAYS = 30;
/** An upstream listing taken while waiting for the gate lock is used only if the wait was this short. */
const EARLY_LISTING_MAX_AGE_MS = 2_000;

/** A promise that never rejects (so an unused one raises no unhandled rejection). */
function settled<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}

/**
 * One gate: a hardened bare mirror of an upstream (or a remoteless repository) that containers
 * work against. Sync never destroys gate-local work; destructive upstream changes wait as pending
 * ops until confirmed; every write is serialised per gate across processes.
 */
export class GitGate {
  readonly scope: string;
  readonly gatePath: string;
  readonly upstreamUrl: string | null;
  private readonly options: GitGateOptions;
  private readonly upstream: UpstreamUrl | null;
  private readonly logger: Logger;
  private readonly runner: GitRunner;
  private readonly ctx: GateContext;
  private readonly syncs = new Coalescer<GateSyncResult>();
  private heldLock: HeldLock | undefined;
  private readonly credentials: ScopeTransport | undefined;
  private closed = false;

  constructor(options: GitGateOptions) {
    this.scope = assertScope(options.scope);
    if (typeof options.gatePath !== 'string' || !path.isAbsolute(options.gatePath)) {
      throw new GateError('GATE_INVALID_ARGUMENT', `gatePath must be an absolute path, got ${JSON.stringify(String(options.gatePath).slice(0, 200))}`);
    }
    this.gatePath = path.resolve(options.gatePath);
    this.upstream = options.upstreamUrl === undefined ? null : parseUpstreamUrl(options.upstreamUrl, {
      allowLocal: options.allowLocalUpstream ?? false,
      ...(options.stateRoot !== undefined ? { stateRoot: options.stateRoot } : {}),
    });
    if (this.upstream?.localPath !== undefined && (this.upstream.localPath === this.gatePath || this.upstream.localPath.startsWith(this.gatePath + path.sep))) {
      throw new GateError('GATE_UPSTREAM_INSIDE_STATE', 'a gate cannot mirror itself');
    }
    this.upstreamUrl = this.upstream?.url ?? null;
    this.options = options;
    this.logger = (options.logger ?? silentLogger()).child({ scope: this.scope });
    this.runner = new GitRunner({
      logger: this.logger,
      onSpawn: (pid) => this.heldLock?.trackChild(pid),
      onExit: (pid) => this.heldLock?.untrackChild(pid),
    });
    // The scope's agent (SSH) or token (HTTPS) is loaded on the first network call, not here.
    this.credentials = options.transport === undefined && options.credentials !== undefined && this.upstream !== null && this.upstream.kind !== 'local'
      ? createScopeTransport({
        scope: this.scope, upstream: this.upstream, logger: this.logger,
        vaultDir: options.credentials.vaultDir, knownHostsFile: options.credentials.knownHostsFile,
        usePersonalSsh: options.usePersonalSsh ?? false,
        ...(options.credentials.hostKeys ? { hostKeys: options.credentials.hostKeys } : {}),
        ...(options.credentials.passphrase ? { passphrase: options.credentials.passphrase } : {}),
      })
      : undefined;
    this.ctx = {
      scope: this.scope,
      gatePath: this.gatePath,
      upstream: this.upstream,
      defaultBranch: options.defaultBranch,
      runner: this.runner,
      logger: this.logger,
      maxRefs: options.maxRefs ?? 50_000,
      networkTimeoutMs: options.networkTimeoutMs,
      transport: this.transportFor(options),
    };
  }

  /**
   * Brings the gate up to date with upstream: creates and fast-forwards branches, proposes
   * rewrites and deletions as pending ops, keeps gate-only branches, refreshes the clone cache.
   * Operational failures are reported in `errors` (success: false), never thrown. Concurrent
   * calls share the running sync or one queued follow-up. A caller's `signal` releases that
   * caller (a result with GATE_CANCELLED); the shared sync stops only when every caller gave up.
   */
  sync(options: SyncOptions = {}): Promise<GateSyncResult> {
    this.assertOpen();
    const key = JSON.stringify({ branches: [...(options.branches ?? [])].sort(), forceReinit: options.forceReinit ?? false });
    return this.syncs.run(key, (shared) => this.runSync({ ...options, signal: shared }), options.signal).catch((error: unknown) => {
      // Only the coalescer rejects (a caller's own cancellation); sync reports, never throws.
      const result = emptySyncResult(this.ctx);
      recordFailure(result, error);
      return result;
    });
  }

  private async runSync(options: SyncOptions): Promise<GateSyncResult> {
    const started = Date.now();
    const result = emptySyncResult(this.ctx);
    // Listing upstream reads nothing of the gate, so it runs while the lock is being taken; it is
    // used only if the lock came quickly (else upstream may have moved meanwhile: list again).
    const early = this.upstream !== null && !options.forceReinit ? settled(inspectUpstream(this.ctx, options.signal)) : undefined;
    try {
      await this.withLock(async (found) => {
        await this.validate(found);
        let identity = found;
        let inspection: RemoteInspection | undefined;
        if (early !== undefined && Date.now() - started < EARLY_LISTING_MAX_AGE_MS) {
          const listed = await early;
          if (!listed.ok) throw listed.error;
          inspection = listed.value;
        }
        if (options.forceReinit) {
          // Reach upstream before wiping anything: an unreachable upstream must leave the gate as it was.
          if (this.upstream !== null) inspection = await inspectUpstream(this.ctx, options.signal);
          result.reinitBundle = await wipeGateWithBundle(this.ctx);
          result.notes.push(result.reinitBundle ? `force re-init: the old gate was saved to ${result.reinitBundle}` : 'force re-init: the old gate held no refs');
          identity = null;
        }
        let backups: ReadonlyMap<string, string> | undefined;
        if (this.upstream === null) await ensureGate(this.ctx, result, identity);
        else {
          const ctx = options.onProgress ? { ...this.ctx, onProgress: options.onProgress } : this.ctx;
          backups = await syncWithUpstream(ctx, result, { ...options, identity, ...(inspection ? { inspection } : {}) });
        }
        if (this.options.backups?.enabled !== false && result.success) {
          const pruned = await pruneBackupRefs(this.ctx, this.options.backups?.retentionDays ?? DEFAULT_RETENTION_DAYS, backups);
          if (pruned.length > 0) result.notes.push(`pruned ${pruned.length} backup(s) older than the retention period`);
        }
        if (this.options.cloneCacheBase !== undefined) result.cache = await this.refreshCache();
      }, options.signal);
    } catch (error) {
      recordFailure(result, error);
      this.logger.warn({ errors: result.errors }, 'sync failed');
    }
    result.durationMs = Date.now() - started;
    this.logger.info({ applied: result.applied.length, pending: result.pending.length, success: result.success, durationMs: result.durationMs }, 'sync finished');
    return result;
  }

  /** Whether upstream differs from the gate's snapshot (one listing, no fetch, no lock): the scheduler's cheap check. */
  async upstreamChanged(options: { branches?: readonly string[]; signal?: AbortSignal } = {}): Promise<UpstreamCheck> {
    this.assertOpen();
    return checkUpstream(this.ctx, options.branches, options.signal);
  }

  /** What sync would do now, without applying anything (upstream objects may be fetched into the hidden namespace). */
  async plan(options: { branches?: readonly string[]; signal?: AbortSignal } = {}): Promise<GatePlan> {
    this.assertOpen();
    if (this.upstream === null) return { upstreamUrl: null, changes: [], pending: await this.pendingOps(), gateOnlyBranches: [...(await this.branchHeads()).keys()], tags: { created: [], moved: [] }, notes: ['remoteless gate: nothing to sync'] };
    return this.withLock(async (identity) => {
      const exists = gateExists(this.ctx);
      const survey = await surveyUpstream(this.ctx, { ...options, gateExists: exists, identity });
      if (!exists) {
        survey.classification.changes = [...survey.upstreamHeads].map(([branch, sha]) => ({ branch, kind: 'create' as const, oldSha: null, newSha: sha }));
      }
      return planFromSurvey(this.ctx, survey, exists);
    }, options.signal);
  }

  /** Pending destructive changes as of the last sync (no network). */
  async pendingOps(): Promise<PendingOp[]> {
    this.assertOpen();
    if (!existsSync(this.gatePath)) return [];
    return readPendingOps(this.ctx);
  }

  /** Applies confirmed pending ops: each must still match, and gets a backup ref first. */
  async applyPendingOps(ops: readonly PendingOp[]): Promise<ApplyResult> {
    this.assertOpen();
    return this.withLock(() => applyPendingOps(this.ctx, ops));
  }

  /** Backup refs, newest first. */
  async listBackups(): Promise<BackupRef[]> {
    this.assertOpen();
    if (!existsSync(this.gatePath)) return [];
    return listBackupRefs((await readRefState(this.runner, this.gatePath)).backups);
  }

  /** Puts a branch back at a backup's commit; the branch's current tip is backed up first. */
  async restoreBackup(ref: string): Promise<{ branch: string; sha: string; backupOfCurrent: BackupRef | null }> {
    this.assertOpen();
    return this.withLock(() => restoreFromBackup(this.ctx, ref));
  }

  /** Deletes one backup ref written by git-gate. */
  async deleteBackup(ref: string): Promise<BackupRef> {
    this.assertOpen();
    return this.withLock(() => deleteBackupRef(this.ctx, ref));
  }

  /** Deletes git-gate backups older than the given days (default: the retention period). */
  async pruneBackups(olderThanDays?: number): Promise<BackupRef[]> {
    this.assertOpen();
    return this.withLock(() => pruneBackupRefs(this.ctx, olderThanDays ?? this.options.backups?.retentionDays ?? DEFAULT_RETENTION_DAYS));
  }

  /** How far one branch (default: HEAD's) is behind/ahead of upstream as it is now. */
  async compareVsUpstream(branch?: string, options: { signal?: AbortSignal } = {}): Promise<BranchStaleness> {
    this.assertOpen();
    const target = branch ?? (await readHeadTarget(this.gatePath)) ?? this.options.defaultBranch ?? 'main';
    const [one] = await this.measure([target], options.signal);
    return one!;
  }

  /**
   * Staleness of every mirrored branch, with one upstream round trip; with `fromLastSync`, against
   * upstream as the last sync saw it, with none.
   */
  async staleness(options: { signal?: AbortSignal; fromLastSync?: boolean } = {}): Promise<BranchStaleness[]> {
    this.assertOpen();
    return this.measure(null, options.signal, options.fromLastSync ?? false);
  }

  private async measure(branches: string[] | null, signal?: AbortSignal, fromLastSync = false): Promise<BranchStaleness[]> {
    const lastChecked = new Date().toISOString();
    const failed = (error: GateError, names: string[]): BranchStaleness[] =>
      names.map((branch) => ({ branch, gateHead: null, upstreamHead: null, isStale: false, commitsBehind: null, commitsAhead: null, lastChecked, error: { code: error.code, message: error.message } }));
    // With no branch named, the error is reported on HEAD's branch rather than as an empty list.
    const orDefault = async () => branches ?? [(existsSync(this.gatePath) ? await readHeadTarget(this.gatePath) : null) ?? this.options.defaultBranch ?? 'main'];
    if (this.upstream === null) return failed(new GateError('GATE_NO_UPSTREAM', `gate ${this.scope} is remoteless; there is no upstream to compare with`), await orDefault());
    if (!existsSync(this.gatePath)) return failed(new GateError('GATE_NOT_A_GATE', `gate ${this.scope} has not been synced yet`), await orDefault());
    try {
      return await this.withLock(() => measureStaleness(this.ctx, branches, signal, fromLastSync), signal);
    } catch (error) {
      if (error instanceof GateError) {
        const state = await readRefState(this.runner, this.gatePath).catch(() => null);
        const mirrored = state ? [...state.heads.keys()].filter((b) => state.snapshot.has(b) || state.attic.has(b)) : [];
        return (branches ?? mirrored).map((branch) => ({ branch, gateHead: state?.heads.get(branch) ?? null, upstreamHead: null, isStale: false, commitsBehind: null, commitsAhead: null, lastChecked, error: { code: error.code, message: error.message } }));
      }
      throw error;
    }
  }

  /** The newest commit on HEAD's branch, or null for an empty gate. */
  async lastCommit(): Promise<CommitInfo | null> {
    this.assertOpen();
    const branch = existsSync(this.gatePath) ? await readHeadTarget(this.gatePath) : null;
    if (branch === null) return null;
    const { stdout } = await this.runner.run(['log', '-1', '--no-show-signature', '--format=%H%x00%s%x00%an%x00%cI', '--end-of-options', `refs/heads/${branch}`, '--'], { gitDir: this.gatePath, okExitCodes: [128] });
    const [sha, subject, author, committedAt] = stdout.trim().split('\0');
    if (!sha || !/^[0-9a-f]{40,64}$/.test(sha)) return null;
    return { sha, branch, subject: subject ?? '', author: author ?? '', committedAt: committedAt ?? '' };
  }

  /** Branch name → tip, as containers see them. */
  async branchHeads(): Promise<Map<string, string>> {
    this.assertOpen();
    if (!existsSync(this.gatePath)) return new Map();
    return (await readRefState(this.runner, this.gatePath)).heads;
  }

  /** The published clone-cache path (a symlink to the current version), or null. */
  get cachePath(): string | null {
    return this.options.cloneCacheBase === undefined ? null : path.join(this.options.cloneCacheBase, this.scope);
  }

  /** Copies the current clone-cache version into `dest` and points origin at `originUrl`. */
  async seedWorkspace(dest: string, options: { originUrl: string }): Promise<void> {
    this.assertOpen();
    if (this.options.cloneCacheBase === undefined) throw new GateError('GATE_CACHE_FAILED', `no clone cache is configured for ${this.scope} (cloneCacheBase)`);
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x20]/.test(options.originUrl) || options.originUrl.startsWith('-')) {
      throw new GateError('GATE_INVALID_ARGUMENT', 'originUrl must not contain whitespace or control characters, or start with "-"');
    }
    await seedWorkspaceFromCache(this.runner, this.options.cloneCacheBase, this.scope, path.resolve(dest), options.originUrl);
  }

  /** Packs refs and loose objects and extends the commit-graph. */
  async maintain(options: { signal?: AbortSignal } = {}): Promise<MaintenanceReport> {
    this.assertOpen();
    // Checked before the lock, so a gate never synced gets nothing written beside it either.
    if (!existsSync(this.gatePath)) throw new GateError('GATE_NOT_A_GATE', `gate ${this.scope} has not been synced yet: there is nothing to maintain`, { fix: 'Run a sync first; it creates the gate.' });
    return this.withLock(() => maintainGate(this.ctx, options.signal), options.signal);
  }

  /** Releases what the gate holds: the scope's SSH agent and shared connection. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await this.credentials?.close();
  }

  private transportFor(options: GitGateOptions): () => Promise<Transport> {
    if (options.transport !== undefined) return options.transport;
    const credentials = this.credentials;
    if (credentials !== undefined) return () => credentials.transport();
    return defaultTransport(this.upstream, options.usePersonalSsh ?? false, this.scope);
  }

  private async refreshCache(): Promise<GateSyncResult['cache']> {
    try {
      const state = await readRefState(this.runner, this.gatePath);
      const refresh: CacheRefresh = await refreshCloneCache(this.runner, this.logger, {
        base: this.options.cloneCacheBase!, scope: this.scope,
        graceMs: this.options.cache?.graceMs ?? 5 * 60_000,
        maxCheckoutBytes: this.options.cache?.maxCheckoutBytes ?? 4 * 1024 ** 3,
      }, { gatePath: this.gatePath, headBranch: await readHeadTarget(this.gatePath), heads: state.heads, tags: state.tags });
      return { refreshed: refresh.refreshed, version: refresh.version, error: null };
    } catch (error) {
      this.logger.warn({ err: error }, 'clone cache refresh failed');
      const gateError = error instanceof GateError ? error : new GateError('GATE_CACHE_FAILED', `clone cache refresh failed: ${error instanceof Error ? error.message : String(error)}`);
      return { refreshed: false, version: null, error: { code: gateError.code === 'GATE_TOO_LARGE' ? 'GATE_TOO_LARGE' : 'GATE_CACHE_FAILED', message: gateError.message, fix: gateError.fix } };
    }
  }

  private async validate(existing: GateIdentity | null): Promise<void> {
    const info = existing === null ? null : { scope: existing.scope, upstream: existing.upstream };
    if (this.options.validateGate) await this.options.validateGate(this.scope, info);
    else defaultValidateGate(this.scope, this.upstreamUrl, info);
  }

  // One writer per gate across processes. Before the work: the directory's ownership and mode are
  // checked, its config is reduced to the allow-list (one read, whose identity the work gets) and
  // leftovers of a crashed owner are cleaned.
  private async withLock<T>(work: (identity: GateIdentity | null) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const lock = await acquireGateLock(lockPathFor(this.gatePath), { logger: this.logger, ...(this.options.lockWaitMs !== undefined ? { waitMs: this.options.lockWaitMs } : {}), ...(signal ? { signal } : {}) });
    this.heldLock = lock;
    try {
      let identity: GateIdentity | null = null;
      const temps = await cleanNewGateTemps(this.gatePath, lock.recovered);
      if (temps.length > 0) this.logger.warn({ removed: temps }, 'removed the temp directory of an interrupted gate creation');
      if (existsSync(this.gatePath)) {
        await assertSafeGateDir(this.gatePath);
        // Cleaning spares files younger than its age limits, so unless the last owner died (then
        // everything it left goes, before any git runs) it can go side by side with the config read.
        const cleaning = lock.recovered ? await cleanLeftovers(this.gatePath, true) : cleanLeftovers(this.gatePath, false);
        const [normalized, removed] = await Promise.all([normalizeGateConfig(this.runner, this.gatePath), cleaning]);
        identity = normalized.identity;
        if (normalized.removed.length > 0) this.logger.warn({ keys: normalized.removed }, 'removed config keys git-gate did not write from the gate');
        if (removed.length > 0) this.logger.warn({ removed }, 'removed leftovers of an interrupted git process');
      }
      return await work(identity);
    } finally {
      this.heldLock = undefined;
      await lock.release();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new GateError('GATE_CLOSED', `GitGate for ${this.scope} was closed`);
  }
}
