// The daemon's library surface: the whole daemon, or its parts for an orchestrator that embeds them.
export { startDaemon, type Daemon, type DaemonOptions } from './daemon.js';
export type { DaemonState, ManagedProject, SyncSummary, SyncTrigger } from './daemon-state.js';
export { EventBus, type GateEvent, type GateEvents, type GateEventType } from './events.js';
export { createGitEndpoint, DEFAULT_LIMITS, hardenGitServer, type GateMode, type GitEndpoint, type GitEndpointLimits, type GitEndpointOptions, type ServedGate, type TokenVerifier } from './git-endpoint.js';
export {
  acceptedHint, decide, defaultPushPolicy, DEFAULT_TASK_PREFIX, operationOf, PUSH_OPERATIONS, pushPolicyFromConfig, refMatches,
  type ClassifiedUpdate, type PolicyContext, type PolicyDecision, type PolicyRule, type PushIdentity, type PushOperation, type PushPolicy,
} from './policy.js';
export { receiveHideRefs } from './hide-refs.js';
export { PROJECT_PATTERN } from './routes.js';
export { assertMintable, TokenStore, TOKEN_PATTERN, type TokenCapability, type TokenIdentity, type TokenInfo } from './tokens.js';
export { createAdminApi, DEFAULT_SYNC_RATE_LIMIT, hardenAdminServer, type AdminApi, type AdminApiOptions, type RateLimit } from './admin/index.js';
export { createMetrics, type GateMetrics } from './metrics.js';
export { SyncService } from './sync-service.js';
export { Scheduler, type ScheduledProject, type ScheduleStatus } from './scheduler.js';
export { DEFAULT_BACKOFF, failureKindOf, retryAfter, type BackoffPolicy, type FailureKind } from './backoff.js';
