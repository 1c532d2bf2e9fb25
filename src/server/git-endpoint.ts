// The container-facing git endpoint: smart HTTP only, one token per request, one git process per
// request. It is a request handler; the caller creates the server(s) and mounts it (see
// hardenGitServer for the timeouts a server carrying it needs).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { GitRunner, spawnServiceProcess, type ServiceProcess } from '../git/index.js';
import { assertSafeGateDir } from '../gate/gate-repo.js';
import { type Logger, registerSecret, silentLogger } from '../log/index.js';
import type { EventBus } from './events.js';
import { receivePackConfig, UPLOAD_PACK_CONFIG } from './hide-refs.js';
import { defaultPushPolicy, type PushPolicy } from './policy.js';
import { appliedUpdates, gatePolicyContext, type PushOutcome } from './push-decision.js';
import { PushGuard } from './push-guard.js';
import { gitProtocolFrom, matchRoute, presentedCredentials, type GitRoute } from './routes.js';
import { NO_CACHE, pipeRequestBody, pipeServiceOutput, reply } from './streams.js';
import type { TokenIdentity } from './tokens.js';

/** How a gate stands (DESIGN.md): online gates are read-only for containers. */
export type GateMode = 'gatekeeping' | 'online' | 'remoteless';

/** What the caller tells the endpoint about one project. */
export interface ServedGate {
  gatePath: string;
  mode: GateMode;
  /** Defaults to defaultPushPolicy(). */
  policy?: PushPolicy;
  /** receive.maxInputSize for this gate; else `policy.maxPushBytes`, else limits.maxPushBytes. */
  maxPushBytes?: number;
}

/** Resource limits of the endpoint. */
export interface GitEndpointLimits {
  /** Git processes running at once across all gates; further requests get 503 with Retry-After. */
  maxConcurrent: number;
  /** Cap on an upload-pack request body (the wants and haves), after gunzip. */
  maxUploadRequestBytes: number;
  /** Default receive.maxInputSize. */
  maxPushBytes: number;
  /** A request whose git runs longer is killed. */
  maxRequestMs: number;
  /** A request whose connection moves no byte for this long is dropped. */
  idleTimeoutMs: number;
}

export const DEFAULT_LIMITS: GitEndpointLimits = {
  maxConcurrent: 64,
  maxUploadRequestBytes: 32 * 1024 * 1024,
  maxPushBytes: 4 * 1024 ** 3,
  maxRequestMs: 60 * 60_000,
  idleTimeoutMs: 120_000,
};

/** Verifies a presented token for one project (TokenStore does). */
export interface TokenVerifier {
  verify(presented: string, project: string): Promise<TokenIdentity | null>;
}

/** How to build an endpoint. */
export interface GitEndpointOptions {
  /** The gate for a project name, or null when there is none (404). */
  resolveGate(project: string): ServedGate | null | Promise<ServedGate | null>;
  tokens: TokenVerifier;
  logger?: Logger;
  /** Receives `push` (per applied ref update), `denied` (per refusal) and `fetch` (per pack served). */
  events?: EventBus;
  limits?: Partial<GitEndpointLimits>;
  gitPath?: string;
  /** Where the private hooks directory is created (default: the OS temp dir). */
  hooksParent?: string;
  /**
   * Both push-policy layers are on by default. Turning one off exists only so tests can prove
   * the other is sufficient alone; never turn one off in a deployment.
   */
  enforcement?: { hideRefs?: boolean; preReceiveHook?: boolean };
}

/** The request handler, plus what its owner needs to watch and stop it. */
export interface GitEndpoint {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Process groups of the git services running now. */
  activeProcessGroups(): number[];
  /** Kills running services and removes the hooks directory. */
  close(): Promise<void>;
}

/** Builds the git endpoint (async: the pre-receive relay is installed and its socket opened first). */
export async function createGitEndpoint(options: GitEndpointOptions): Promise<GitEndpoint> {
  const logger = (options.logger ?? silentLogger()).child({ component: 'git-endpoint' });
  const limits: GitEndpointLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const runner = new GitRunner({ logger, ...(options.gitPath !== undefined ? { gitPath: options.gitPath } : {}) });
  const guard = await PushGuard.start({ runner, logger, ...(options.hooksParent !== undefined ? { parent: options.hooksParent } : {}) });
  const enforcement = { hideRefs: options.enforcement?.hideRefs ?? true, preReceiveHook: options.enforcement?.preReceiveHook ?? true };
  const events = options.events;
  const running = new Set<ServiceProcess>();
  let inFlight = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const route = matchRoute(req.method, req.url);
    if ('status' in route) return void reply(res, route.status, route.status === 404 ? 'not found' : 'method not allowed');
    const credentials = presentedCredentials(req.headers.authorization);
    const forget = credentials.map((value) => registerSecret(value));
    res.once('close', () => forget.forEach((f) => f()));
    let identity: TokenIdentity | null = null;
    for (const value of credentials) identity ??= await options.tokens.verify(value, route.project);
    const audit = { project: route.project, service: route.service, advertise: route.advertise };
    if (identity === null) {
      if (credentials.length > 0) logger.warn({ audit: 'auth', ...audit, decision: 'deny', reason: 'invalid_token' }, 'request refused');
      return void reply(res, 401, 'authentication required: use a git-gate token for this project as the password', { 'WWW-Authenticate': 'Basic realm="git-gate", charset="UTF-8"' });
    }
    const who = { ...audit, tokenId: identity.id, task: identity.task };
    const gate = await options.resolveGate(route.project);
    if (gate === null) return void reply(res, 404, 'not found');
    if (route.service === 'receive-pack') {
      const online = gate.mode === 'online';
      if (online || identity.capability !== 'write') {
        const rule = online ? 'online-gate' : 'read-only-token';
        const reason = online
          ? `${route.project} is an online (read-only) gate: fetch from it here, push to the upstream yourself`
          : 'this token is read-only: ask for a write token to push';
        logger.info({ audit: 'push', ...who, decision: 'deny', rule }, 'push refused');
        events?.publish('denied', { project: route.project, ref: null, rule, task: identity.task, tokenId: identity.id, reason });
        return void reply(res, 403, reason);
      }
    }
    try {
      await assertSafeGateDir(gate.gatePath);
    } catch (error) {
      logger.error({ err: error, project: route.project }, 'gate directory refused');
      return void reply(res, 500, 'this gate is not available; ask the operator to run `gate doctor`');
    }
    if (inFlight >= limits.maxConcurrent) {
      logger.warn({ ...who, inFlight }, 'git endpoint at its concurrency limit');
      return void reply(res, 503, 'the gate is busy; try again shortly', { 'Retry-After': '2' });
    }
    if (!route.advertise) {
      const expected = `application/x-git-${route.service}-request`;
      if ((req.headers['content-type'] ?? '').split(';')[0]!.trim() !== expected) return void reply(res, 415, `expected Content-Type ${expected}`);
      const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
      if (encoding !== '' && encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip') return void reply(res, 415, 'unsupported Content-Encoding');
    }
    // The slot is taken before anything else awaits, so a burst cannot overshoot the limit.
    inFlight++;
    try {
      await serve(req, res, route, gate, identity, who);
    } finally {
      inFlight--;
    }
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, route: GitRoute, gate: ServedGate, identity: TokenIdentity, who: Record<string, unknown>): Promise<void> => {
    const started = Date.now();
    const protocol = gitProtocolFrom(req.headers['git-protocol']);
    const env: Record<string, string> = protocol === null ? {} : { GIT_PROTOCOL: protocol };
    const policy = gate.policy ?? defaultPushPolicy();
    const outcome: PushOutcome = { accepted: [], denied: [] };
    let config = UPLOAD_PACK_CONFIG;
    let release = () => {};
    if (route.service === 'receive-pack') {
      config = await receiveConfig(gate, identity, policy);
      if (enforcement.preReceiveHook && !route.advertise) {
        const ticket = guard.issue({ identity, gatePath: gate.gatePath, policy, outcome });
        Object.assign(env, ticket.env);
        release = ticket.release;
      }
    }
    const git = spawnServiceProcess({ ...(options.gitPath !== undefined ? { gitPath: options.gitPath } : {}), service: route.service, repoPath: gate.gatePath, advertise: route.advertise, config, env });
    running.add(git);
    const kind = route.advertise ? 'advertisement' : 'result';
    const preamble = route.advertise && protocol !== 'version=2' ? Buffer.from(`${pktLine(`# service=git-${route.service}\n`)}0000`) : null;
    const output = pipeServiceOutput(git.child.stdout!, res, { 'Content-Type': `application/x-git-${route.service}-${kind}`, ...NO_CACHE }, preamble);
    let failure: string | null = null;
    const stop = (why: string) => {
      failure ??= why;
      git.kill();
      output.discard();
    };
    res.once('close', () => {
      if (!res.writableFinished) stop('client disconnected');
    });
    const deadline = setTimeout(() => stop('request time limit'), limits.maxRequestMs);
    req.setTimeout(limits.idleTimeoutMs, () => {
      stop('idle connection');
      req.destroy();
    });
    let bodyBytes = () => 0;
    if (route.advertise) git.child.stdin!.end();
    else {
      const gzip = /gzip/.test(req.headers['content-encoding'] ?? '');
      const maxBytes = route.service === 'upload-pack' ? limits.maxUploadRequestBytes : Number.MAX_SAFE_INTEGER;
      bodyBytes = pipeRequestBody(req, git.child.stdin!, { gzip, maxBytes }, (why) => stop(why === 'too_large' ? 'request body too large' : why === 'bad_encoding' ? 'bad gzip body' : 'client disconnected')).bytes;
    }
    const exit = await git.done;
    clearTimeout(deadline);
    running.delete(git);
    release();
    const ok = exit.exitCode === 0 && failure === null;
    // Before the response ends, so an event exists by the time the client's git reports success.
    await publishEvents(route, gate, identity, outcome, ok, output.sentPack() ? output.bytes() : null);
    const fields = { ...who, exitCode: exit.exitCode, signal: exit.signal, bytesIn: bodyBytes(), bytesOut: output.bytes(), durationMs: Date.now() - started };
    if (ok) {
      logger.debug(fields, 'git request served');
      output.begin();
      res.end();
    } else {
      logger.warn({ ...fields, failure, stderr: git.stderr().slice(0, 2000) }, 'git request failed');
      if (output.started()) res.destroy();
      else if (failure === 'request body too large') reply(res, 413, 'request too large');
      else if (failure === 'bad gzip body') reply(res, 400, 'the request body is not valid gzip');
      else if (!res.destroyed) reply(res, 500, 'the git service failed; nothing was changed');
    }
  };

  // receive-pack's settings for this token; the gate's refs are read only for the hidden-ref layer.
  const receiveConfig = async (gate: ServedGate, identity: TokenIdentity, policy: PushPolicy): Promise<string[]> => {
    const ctx = enforcement.hideRefs ? (await gatePolicyContext(runner, gate.gatePath)).ctx : null;
    return receivePackConfig({ tokenId: identity.id, task: identity.task, capability: identity.capability }, policy, {
      maxPushBytes: gate.maxPushBytes ?? policy.maxPushBytes ?? limits.maxPushBytes,
      hideRefsFor: ctx,
      hooksDir: enforcement.preReceiveHook ? guard.hooksDir : null,
    });
  };

  // Events after the request: refusals always; pushes only for updates git really applied.
  const publishEvents = async (route: GitRoute, gate: ServedGate, identity: TokenIdentity, outcome: PushOutcome, ok: boolean, packBytes: number | null): Promise<void> => {
    if (events === undefined) return;
    const who = { project: route.project, task: identity.task, tokenId: identity.id };
    for (const denial of outcome.denied) events.publish('denied', { ...who, ...denial });
    if (route.service === 'upload-pack' && ok && packBytes !== null) events.publish('fetch', { ...who, bytes: packBytes });
    if (route.service !== 'receive-pack' || !ok || outcome.accepted.length === 0) return;
    try {
      for (const u of await appliedUpdates(runner, gate.gatePath, outcome.accepted)) {
        events.publish('push', { ...who, ref: u.ref, oldSha: u.oldSha, newSha: u.newSha, operation: u.operation });
      }
    } catch (error) {
      logger.error({ err: error, project: route.project }, 'could not read back a push for its events');
    }
  };

  const endpoint = ((req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'git endpoint request failed');
      if (!res.headersSent) reply(res, 500, 'internal error');
      else res.destroy();
    });
  }) as GitEndpoint;
  endpoint.activeProcessGroups = () => [...running].map((git) => git.pgid).filter((pid): pid is number => pid !== undefined);
  endpoint.close = async () => {
    for (const git of running) git.kill();
    await guard.close();
  };
  return endpoint;
}

function pktLine(text: string): string {
  return (text.length + 4).toString(16).padStart(4, '0') + text;
}

/** Timeouts for a node:http server that carries the endpoint (slow-loris and stuck requests). */
export function hardenGitServer(server: Server, limits: Partial<GitEndpointLimits> = {}): void {
  server.headersTimeout = 15_000;
  server.requestTimeout = limits.maxRequestMs ?? DEFAULT_LIMITS.maxRequestMs;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 64;
}

