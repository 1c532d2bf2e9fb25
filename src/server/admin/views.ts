// What the admin API shows of the gate's results. Every view is built field by field from an
// allow-list, so a field added to a result later (a path, a URL) never leaks by default.
import type { BranchStaleness, GatePlan, GateSyncResult } from '../../gate/index.js';
import type { ManagedProject } from '../daemon-state.js';
import { publicMessage, publicText } from './errors.js';

/** Host paths and upstream URLs of every project, for exact-match scrubbing of messages. */
export function knownSecretsOf(projects: readonly ManagedProject[]): string[] {
  const known: string[] = [];
  for (const { gate, config } of projects) {
    known.push(gate.gatePath, config.file);
    if (gate.upstreamUrl !== null) known.push(gate.upstreamUrl);
    if (gate.cachePath !== null) known.push(gate.cachePath);
  }
  return known;
}

/** A sync result without its gate path, upstream URL or raw messages. */
export function syncResultView(result: GateSyncResult, known: readonly string[]) {
  return {
    success: result.success,
    created: result.created,
    fetched: result.fetched,
    durationMs: result.durationMs,
    applied: result.applied,
    pending: result.pending,
    gateOnlyBranches: result.gateOnlyBranches,
    tags: result.tags,
    cacheVersion: result.cache.version,
    errors: result.errors.map((error) => ({ code: error.code, message: publicMessage(error.code, error.message, known), failureClass: error.failureClass ?? null })),
    notes: result.notes.map((note) => publicText(note, known)),
  };
}

/** A plan without its upstream URL. */
export function planView(plan: GatePlan, known: readonly string[]) {
  return {
    changes: plan.changes,
    pending: plan.pending,
    gateOnlyBranches: plan.gateOnlyBranches,
    tags: plan.tags,
    notes: plan.notes.map((note) => publicText(note, known)),
  };
}

/** Staleness of branches, with error messages made public. */
export function stalenessView(rows: readonly BranchStaleness[], known: readonly string[]) {
  return rows.map((row) => ({
    branch: row.branch,
    gateHead: row.gateHead,
    upstreamHead: row.upstreamHead,
    isStale: row.isStale,
    commitsBehind: row.commitsBehind,
    commitsAhead: row.commitsAhead,
    lastChecked: row.lastChecked,
    error: row.error === null ? null : { code: row.error.code, message: publicMessage(row.error.code, row.error.message, known) },
  }));
}
