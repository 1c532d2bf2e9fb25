export { GitGate, type SyncOptions } from './git-gate.js';
export { assertScope, SCOPE_PATTERN, type ExistingGate, type GateCredentials, type GitGateOptions } from './options.js';
export { buildGateOptions } from './project-options.js';
export type { ApplyResult } from './pending.js';
export type { MaintenanceReport } from './maintain.js';
export type { Transport } from './upstream-fetch.js';
export type { UpstreamCheck } from './upstream-check.js';
export type { AppliedChange, BackupRef, BranchStaleness, CacheReport, CommitInfo, GatePlan, GateSyncResult, PendingOp, PendingReason, SyncError } from './types.js';
