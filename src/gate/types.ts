import type { ErrorCode } from '../errors/index.js';
import type { GitFailureClass } from '../git/index.js';

/** A change sync made (create/fast_forward) or a confirmed pending op made (force_update/delete). */
export interface AppliedChange {
  branch: string;
  kind: 'create' | 'fast_forward' | 'force_update' | 'delete';
  oldSha: string | null;
  newSha: string | null;
}

/** Why a destructive change is pending rather than applied. */
export type PendingReason =
  /** Upstream rewrote or rewound history the gate branch had. */
  | 'upstream_rewrite'
  /** Upstream deleted the branch. */
  | 'upstream_delete'
  /** The gate branch never matched upstream (created in the gate first, or adopted from elsewhere). */
  | 'unknown_provenance'
  /** Upstream did not rewrite (it moved forward or stayed), but the gate branch no longer
   *  contains upstream's tip: it has commits of its own, or was rewritten in the gate. */
  | 'diverged';

/** A destructive change sync proposes and never applies on its own. */
export interface PendingOp {
  branch: string;
  kind: 'force_update' | 'delete';
  reason: PendingReason;
  gateSha: string;
  /** The upstream tip to move to (null for a delete). */
  upstreamSha: string | null;
  /** True when every commit of the gate branch is also reachable from a known upstream tip
   *  (current upstream, the previous snapshot, the attic): conservative, other gate branches and
   *  backups are not counted. */
  lossless: boolean;
  /** Commits reachable from the gate branch that upstream does not have (and never had). */
  gateOnlyCommits: number;
}

/** One problem a sync met, in the stable error shape. */
export interface SyncError {
  code: ErrorCode;
  message: string;
  fix: string;
  failureClass?: GitFailureClass;
}

/** The clone cache's part of a sync. */
export interface CacheReport {
  refreshed: boolean;
  version: number | null;
  error: SyncError | null;
}

/** Everything a sync did and found. */
export interface GateSyncResult {
  path: string;
  upstreamUrl: string | null;
  created: boolean;
  migrated: boolean;
  success: boolean;
  errors: SyncError[];
  notes: string[];
  applied: AppliedChange[];
  pending: PendingOp[];
  gateOnlyBranches: string[];
  tags: { created: string[]; moved: Array<{ tag: string; gateSha: string; upstreamSha: string }> };
  cache: CacheReport;
  /** Path of the bundle written by forceReinit before wiping, when it wrote one. */
  reinitBundle: string | null;
  /** Wire protocol version negotiated with upstream, when known. */
  protocolVersion: number | null;
  fetched: boolean;
  durationMs: number;
}

/** A dry run: what sync would do now, nothing applied. */
export interface GatePlan {
  upstreamUrl: string | null;
  changes: AppliedChange[];
  pending: PendingOp[];
  gateOnlyBranches: string[];
  tags: { created: string[]; moved: Array<{ tag: string; gateSha: string; upstreamSha: string }> };
  notes: string[];
}

/** How one gate branch compares with upstream. */
export interface BranchStaleness {
  branch: string;
  gateHead: string | null;
  upstreamHead: string | null;
  isStale: boolean;
  commitsBehind: number | null;
  commitsAhead: number | null;
  lastChecked: string;
  error: { code: ErrorCode; message: string } | null;
}

/** A backup ref written before a destructive change. */
export interface BackupRef {
  ref: string;
  branch: string;
  sha: string;
  /** When it was written (from the ref name), ISO-8601 UTC. */
  createdAt: string;
}

/** The newest commit on the gate's default branch. */
export interface CommitInfo {
  sha: string;
  branch: string;
  subject: string;
  author: string;
  committedAt: string;
}
