// The whole public surface of git-gate. Nothing else is public.
export { ERROR_CODES, GateError, isGateError, type ErrorCode, type ErrorCodeInfo, type ErrorDetails } from './errors/index.js';
export { createLogger, redactSecrets, registerSecret, sanitize, silentLogger, type Logger, type LoggerOptions } from './log/index.js';
export { GitCommandError, isSshUrl, parseUpstreamUrl, type GitFailureClass, type UpstreamUrl, type UpstreamUrlPolicy } from './git/index.js';
export {
  exportPublicKey, importKey, listKeys, removeKey, removeUpstreamToken, scanHostKeys, setUpstreamToken, showUpstreamToken, sshInit, trustHost,
  type PassphraseSource, type ScannedHostKey, type VaultKeyInfo, type VaultKeyResult,
} from './ssh/index.js';
export {
  loadGlobalConfig, loadProject, listProjectNames, resolveStateRoot, statePaths,
  type GlobalConfig, type ProjectConfig, type ProjectMode, type StatePaths, type StateRootInput,
} from './config/index.js';
export {
  buildGateOptions, GitGate, SCOPE_PATTERN,
  type ApplyResult, type AppliedChange, type BackupRef, type BranchStaleness, type CacheReport, type CommitInfo, type ExistingGate, type GateCredentials,
  type GatePlan, type GateSyncResult, type GitGateOptions, type MaintenanceReport, type PendingOp, type PendingReason, type SyncError,
  type SyncOptions, type Transport,
} from './gate/index.js';
export {
  assertMintable, createAdminApi, createGitEndpoint, createMetrics, defaultPushPolicy, DEFAULT_LIMITS, DEFAULT_SYNC_RATE_LIMIT, EventBus,
  hardenAdminServer, hardenGitServer, pushPolicyFromConfig, startDaemon, TokenStore,
  type AdminApi, type AdminApiOptions, type Daemon, type DaemonOptions, type DaemonState, type GateEvent, type GateEvents, type GateEventType,
  type GateMetrics, type GateMode, type GitEndpoint, type GitEndpointLimits, type GitEndpointOptions, type ManagedProject, type PolicyRule,
  type PushOperation, type PushPolicy, type ServedGate, type SyncSummary, type SyncTrigger, type TokenCapability, type TokenIdentity,
  type TokenInfo, type TokenVerifier,
} from './server/index.js';
