// The config files' schemas, in the files' own snake_case. Every leaf carries an example (shown
// in error messages); docs/config.md documents every key, and a unit test walks these schemas
// to keep the two in step. Defaults that a global config may override are applied in
// normalisation, not here, so "unset" stays distinguishable from "set to the default".
import { z } from 'zod';
import { branchNameProblem } from '../git/refname.js';
import { DURATION_PATTERN } from './duration.js';
import { LISTEN_ADDRESS_PATTERN } from './listen-address.js';

const branchName = z.string().superRefine((value, ctx) => {
  const problem = branchNameProblem(value);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: `not a usable branch name: ${problem}` });
});

const duration = z.string().regex(DURATION_PATTERN, { error: 'expected a duration: a whole number and one unit of ms, s, m, h or d' });

const retentionDays = z.int().min(0).max(36_500);

const listenAddress = z.string().regex(LISTEN_ADDRESS_PATTERN, { error: 'expected "host:port" on loopback (e.g. "127.0.0.1:7419", "[::1]:7419") or "unix:/absolute/path"' });

// OpenSSH public key lines ("ssh-ed25519 AAAA… comment") or SHA256 fingerprints; the shape only.
const HOST_KEY_PATTERN = /^(?:(?:ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]{16,}={0,3}(?: [\x21-\x7e][\x20-\x7e]*)?|SHA256:[A-Za-z0-9+/]{43}=?)$/;
const hostKey = z.string().regex(HOST_KEY_PATTERN, { error: 'expected an OpenSSH public key line ("ssh-ed25519 AAAA…") or a fingerprint ("SHA256:…", 43 base64 characters)' });

// Ref patterns for the push policy: full ref names with "*" globs and the "{task}" placeholder.
const REF_PATTERN = /^refs\/(?:[A-Za-z0-9._*{}-]+\/)*[A-Za-z0-9._*{}-]+\/?$/;
const refPattern = z.string().regex(REF_PATTERN, { error: 'expected a full ref pattern such as "refs/heads/agent/*"' }).refine((value) => !value.includes('..'), { error: 'ref patterns must not contain ".."' });

export const PROJECT_MODES = ['gatekeeping', 'online', 'remoteless'] as const;
export const POLICY_ACTIONS = ['create', 'fast_forward', 'force', 'delete'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const backupsSchema = z.strictObject({
  enabled: z.boolean().meta({ example: true }).optional(),
  retention_days: retentionDays.meta({ example: 30 }).optional(),
});

/** A project file, `projects/<name>.yaml`. */
export const projectSchema = z.strictObject({
  name: z.string().meta({ example: 'my-project' }),
  mode: z.enum(PROJECT_MODES).meta({ example: 'gatekeeping' }).optional(),
  upstream: z.strictObject({
    url: z.string().min(1).meta({ example: 'https://github.com/org/repo.git' }),
    default_branch: branchName.meta({ example: 'main' }).optional(),
    allow_local: z.boolean().meta({ example: false }).optional(),
  }).optional(),
  ssh: z.strictObject({
    use_personal: z.boolean().meta({ example: false }).optional(),
    host_keys: z.array(hostKey.meta({ example: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl' })).optional(),
  }).optional(),
  gate: z.strictObject({
    path: z.string().min(1).meta({ example: '/srv/git-gate/my-project.git' }).optional(),
    backups: backupsSchema.optional(),
  }).optional(),
  cache: z.strictObject({
    enabled: z.boolean().meta({ example: true }).optional(),
  }).optional(),
  sync: z.strictObject({
    interval: duration.meta({ example: '5m' }).optional(),
    branches: z.array(branchName.meta({ example: 'main' })).optional(),
  }).optional(),
  policy: z.strictObject({
    namespace: refPattern.meta({ example: 'refs/heads/agent/{task}/' }).optional(),
    rules: z.array(z.strictObject({
      ref: refPattern.meta({ example: 'refs/heads/agent/*' }),
      allow: z.array(z.enum(POLICY_ACTIONS).meta({ example: 'fast_forward' })).min(1).meta({ example: ['create', 'fast_forward'] }),
    })).optional(),
    max_push_bytes: z.int().positive().meta({ example: 104_857_600 }).optional(),
  }).optional(),
});

/** The global config file, `config.yaml`. */
export const globalSchema = z.strictObject({
  ssh: z.strictObject({
    use_personal: z.boolean().meta({ example: false }).optional(),
  }).optional(),
  vault: z.strictObject({
    passphrase_command: z.string().min(1).meta({ example: 'pass show git-gate/vault' }).optional(),
    passphrase_file: z.string().min(1).meta({ example: '/run/secrets/git-gate-vault' }).optional(),
  }).optional(),
  defaults: z.strictObject({
    backups: backupsSchema.optional(),
    cache: z.strictObject({
      enabled: z.boolean().meta({ example: true }).optional(),
    }).optional(),
  }).optional(),
  git: z.strictObject({
    network_timeout: duration.meta({ example: '10m' }).optional(),
  }).optional(),
  log: z.strictObject({
    level: z.enum(LOG_LEVELS).meta({ example: 'warn' }).optional(),
  }).optional(),
  serve: z.strictObject({
    git_listen: z.array(listenAddress.meta({ example: '127.0.0.1:7419' })).min(1).optional(),
    allow_non_loopback: z.boolean().meta({ example: false }).optional(),
    admin_listen: listenAddress.meta({ example: 'unix:/run/git-gate/admin.sock' }).optional(),
    admin_token_file: z.string().min(1).meta({ example: '/etc/git-gate/admin-token' }).optional(),
    allowed_hosts: z.array(z.string().regex(/^[A-Za-z0-9.:[\]-]{1,255}$/, { error: 'expected a host name or host:port, as sent in the Host header' }).meta({ example: 'gate.local:7420' })).optional(),
    max_concurrent_syncs: z.int().min(1).max(64).meta({ example: 2 }).optional(),
    max_connections: z.int().min(1).max(10_000).meta({ example: 64 }).optional(),
    max_push_bytes: z.int().positive().meta({ example: 4_294_967_296 }).optional(),
    maintenance_interval: z.union([duration, z.literal('off')]).meta({ example: '24h' }).optional(),
  }).optional(),
});

export type RawProject = z.infer<typeof projectSchema>;
export type RawGlobal = z.infer<typeof globalSchema>;
