// Owns the pre-receive relay's other end: a unix socket in the daemon's private 0700 hooks
// directory, and the tickets that tie one receive-pack process to the identity and policy the
// server resolved for its request. A ticket is 256 random bits, lives as long as its request and
// reaches the hook only through the environment the server builds for receive-pack.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import type { GitRunner } from '../git/index.js';
import type { Logger } from '../log/index.js';
import { type HookAnswer, type HookRequest, installHookRelay, TICKET_ENV } from './hook-relay.js';
import { decidePush, type PushSession } from './push-decision.js';

const MAX_REQUEST_BYTES = 1024 * 1024;

/** The pre-receive layer: hooks directory, socket and tickets. */
export class PushGuard {
  private readonly sessions = new Map<string, PushSession>();

  private server: net.Server | undefined;

  private constructor(readonly hooksDir: string) {}

  /** Installs the relay in a fresh private directory under `parent` and starts listening. */
  static async start(options: { runner: GitRunner; logger: Logger; parent?: string }): Promise<PushGuard> {
    const { hooksDir, socketPath } = await installHookRelay(options.parent);
    const guard = new PushGuard(hooksDir);
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
      answer(socket, (request) => guard.handle(options.runner, options.logger, request));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    guard.server = server;
    return guard;
  }

  /** A ticket for one receive-pack request; the returned env goes to receive-pack, `release` when it ends. */
  issue(session: PushSession): { env: Record<string, string>; release(): void } {
    const ticket = randomBytes(32).toString('base64url');
    this.sessions.set(ticket, session);
    return { env: { [TICKET_ENV]: ticket }, release: () => this.sessions.delete(ticket) };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(this.hooksDir, { recursive: true, force: true });
  }

  private async handle(runner: GitRunner, logger: Logger, request: HookRequest): Promise<HookAnswer> {
    const session = typeof request.ticket === 'string' ? this.sessions.get(request.ticket) : undefined;
    if (session === undefined) return { accept: false, lines: ['git-gate: this push has no valid session; nothing was changed'] };
    try {
      return await decidePush(runner, logger, session, request);
    } catch (error) {
      logger.error({ err: error, project: session.identity.project, tokenId: session.identity.id }, 'push policy check failed');
      return { accept: false, lines: ['git-gate: the push policy check failed; nothing was changed'] };
    }
  }
}

// One request per connection: read to the client's half-close, answer, close. (Not `for await`:
// finishing that loop destroys the socket, and the answer would never be written.)
function answer(socket: net.Socket, handle: (request: HookRequest) => Promise<HookAnswer>): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size <= MAX_REQUEST_BYTES) return void chunks.push(chunk);
    refused = true;
    socket.end(JSON.stringify({ accept: false, lines: ['git-gate: too many ref updates in one push; nothing was changed'] }));
  });
  socket.on('end', () => {
    if (refused) return;
    let request: HookRequest;
    try {
      request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as HookRequest;
    } catch {
      return void socket.end(JSON.stringify({ accept: false, lines: ['git-gate: the push policy check could not read the push; nothing was changed'] }));
    }
    void handle(request).then((reply) => socket.end(JSON.stringify(reply)));
  });
}
