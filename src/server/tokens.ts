// Container tokens for one state directory. A token is 256 random bits shown once at mint; only
// its SHA-256 is stored. Lookup is by digest, then the digests are compared in constant time, so
// neither the file nor a timing side channel gives a token away.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../config/atomic-write.js';
import { lockTokenFile } from './token-lock.js';
import { GateError } from '../errors/index.js';
import { SCOPE_PATTERN } from '../gate/index.js';

export type TokenCapability = 'read' | 'write';

/** What a valid token vouches for. */
export interface TokenIdentity {
  id: string;
  project: string;
  task: string;
  capability: TokenCapability;
}

/** A stored token as listed (never the secret, never its digest). */
export interface TokenInfo extends TokenIdentity {
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

interface StoredToken extends TokenInfo {
  sha256: string;
}

interface TokenFile {
  version: 1;
  tokens: StoredToken[];
}

/** The shape a presented token must have before it is hashed at all. */
export const TOKEN_PATTERN = /^ggt_[A-Za-z0-9_-]{43}$/;
/** Task names share the scope grammar: no `/`, no glob characters, so `{task}` cannot widen a rule. */
export const TASK_PATTERN = SCOPE_PATTERN;
const MAX_TTL_SECONDS = 366 * 24 * 3600;

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The token store of one state directory (`tokens.json`, 0600, replaced atomically). */
export class TokenStore {
  readonly file: string;
  private cache: { key: string; byDigest: Map<string, StoredToken>; tokens: StoredToken[] } | undefined;
  private readonly now: () => Date;
  private writes: Promise<void> = Promise.resolve();

  constructor(stateDir: string, options: { now?: () => Date } = {}) {
    this.file = path.join(stateDir, 'tokens.json');
    this.now = options.now ?? (() => new Date());
  }

  /** Mints a token; the secret is returned once and never stored. */
  async mint(request: { project: string; task: string; capability: TokenCapability; ttlSeconds: number }): Promise<{ id: string; token: string; expiresAt: string }> {
    if (!SCOPE_PATTERN.test(request.project)) throw new GateError('GATE_SCOPE_INVALID', `invalid project name ${JSON.stringify(request.project.slice(0, 80))}`);
    if (!TASK_PATTERN.test(request.task)) throw new GateError('GATE_INVALID_ARGUMENT', `task must match ${TASK_PATTERN.source}, got ${JSON.stringify(request.task.slice(0, 80))}`);
    if (request.capability !== 'read' && request.capability !== 'write') throw new GateError('GATE_INVALID_ARGUMENT', 'capability must be "read" or "write"');
    if (!Number.isInteger(request.ttlSeconds) || request.ttlSeconds <= 0 || request.ttlSeconds > MAX_TTL_SECONDS) {
      throw new GateError('GATE_INVALID_ARGUMENT', `ttlSeconds must be a whole number between 1 and ${MAX_TTL_SECONDS}`);
    }
    const token = `ggt_${randomBytes(32).toString('base64url')}`;
    const now = this.now();
    const stored: StoredToken = {
      id: `tok_${randomBytes(9).toString('base64url')}`,
      project: request.project, task: request.task, capability: request.capability,
      createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + request.ttlSeconds * 1000).toISOString(), revokedAt: null,
      sha256: digestOf(token).toString('hex'),
    };
    await this.update((tokens) => [...tokens, stored]);
    return { id: stored.id, token, expiresAt: stored.expiresAt };
  }

  /** The identity behind a presented token for this project, or null (unknown, malformed, other project, expired, revoked). */
  async verify(presented: string, project: string): Promise<TokenIdentity | null> {
    if (!TOKEN_PATTERN.test(presented)) return null;
    await this.load();
    const digest = digestOf(presented);
    const stored = this.cache?.byDigest.get(digest.toString('hex'));
    if (stored === undefined || !timingSafeEqual(digest, Buffer.from(stored.sha256, 'hex'))) return null;
    if (stored.project !== project || stored.revokedAt !== null || Date.parse(stored.expiresAt) <= this.now().getTime()) return null;
    return { id: stored.id, project: stored.project, task: stored.task, capability: stored.capability };
  }

  /** Every token, without secrets; expired and revoked ones included (they say so). */
  async list(project?: string): Promise<TokenInfo[]> {
    const tokens = await this.load();
    return tokens.filter((t) => project === undefined || t.project === project).map(({ sha256: _digest, ...info }) => info);
  }

  /** Revokes a token by id; false when there is no such token. */
  async revoke(id: string): Promise<boolean> {
    let found = false;
    await this.update((tokens) => tokens.map((t) => {
      if (t.id !== id) return t;
      found = true;
      return t.revokedAt === null ? { ...t, revokedAt: this.now().toISOString() } : t;
    }));
    return found;
  }

  // Read-modify-write, one at a time within this process (the promise chain) and across
  // processes (the file lock): the CLI may mint while the daemon revokes, and without the lock
  // one of the two writes would silently drop the other's change.
  private update(change: (tokens: StoredToken[]) => StoredToken[]): Promise<void> {
    const next = this.writes.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const release = await lockTokenFile(this.file);
      try {
        await this.save(change(await this.load()));
      } finally {
        await release().catch(() => undefined);
      }
    });
    this.writes = next.catch(() => undefined);
    return next;
  }

  // Re-read when the file changed (the CLI may mint while the daemon serves): size, mtime and
  // inode are compared on each call, which is one stat.
  private async load(): Promise<StoredToken[]> {
    const info = await stat(this.file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    const key = info === null ? 'absent' : `${info.ino}:${info.size}:${info.mtimeMs}`;
    if (this.cache?.key === key) return this.cache.tokens;
    let tokens: StoredToken[] = [];
    if (info !== null) {
      if ((info.mode & 0o077) !== 0) throw new GateError('GATE_UNSAFE_PATH', `token file ${this.file} is readable by group or others; chmod 600 it`);
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as Partial<TokenFile>;
      if (parsed.version !== 1 || !Array.isArray(parsed.tokens)) throw new GateError('GATE_CONFIG_INVALID', `token file ${this.file} is not a git-gate token file`);
      tokens = parsed.tokens;
    }
    this.cache = { key, tokens, byDigest: new Map(tokens.map((t) => [t.sha256, t])) };
    return tokens;
  }

  private async save(tokens: StoredToken[]): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const file: TokenFile = { version: 1, tokens };
    await writeFileAtomic(this.file, `${JSON.stringify(file, null, 2)}\n`, 0o600);
    this.cache = undefined;
  }
}

/**
 * Refuses a capability the project's mode cannot grant: online gates are read-only for
 * containers (they push upstream on their own), so a write token for one would be a lie.
 */
export function assertMintable(project: { name: string; mode: string }, capability: TokenCapability): void {
  if (project.mode === 'online' && capability === 'write') {
    throw new GateError('GATE_TOKEN_CAPABILITY_REFUSED', `${project.name} is an online gate: it issues read tokens only, so no write token was minted`, {
      fix: `Mint a read token (capability "read"), or set mode: gatekeeping in ${project.name}'s project file if containers must push to the gate.`,
    });
  }
}
