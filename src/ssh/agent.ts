// The ephemeral per-scope SSH agent: an in-process unix-socket server serving only one scope's
// keys, on a 0600 socket inside a fresh 0700 directory. Never mounted into a container.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GateError } from '../errors/index.js';
import { type Logger, silentLogger } from '../log/index.js';
import { AgentFramer, answerAgentRequest, type AgentKey, frame, FRAMED_FAILURE } from './agent-protocol.js';
import { publicKeyLine } from './key-material.js';

/** A running agent. */
export interface RunningAgent {
  readonly socketPath: string;
  /** The first key's public line, for ssh's `IdentityFile` (with IdentitiesOnly=yes). */
  readonly publicKeyFile: string;
  /** The private 0700 directory holding the socket; callers may put other private files here. */
  readonly dir: string;
  /** Stops serving and removes the directory; safe to call more than once. */
  stop(): Promise<void>;
}

// Unix socket paths are limited to 108 bytes (sun_path); keep ours well below it.
const MAX_SOCKET_PATH = 100;
// Characters ssh and sh treat plainly: the paths are expanded into ssh options.
const SAFE_PATH = /^[A-Za-z0-9._/-]+$/;

const live = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // One hook for every agent: at exit only synchronous work runs, so just remove the directories.
  process.once('exit', () => {
    for (const dir of live) rmSync(dir, { recursive: true, force: true });
    live.clear();
  });
}

/** A fresh private temp directory with a short, shell- and ssh-plain path. */
export function privateTempDir(prefix: string): string {
  const base = os.tmpdir();
  const root = SAFE_PATH.test(base) && base.length < 60 ? base : '/tmp';
  const dir = mkdtempSync(path.join(root, prefix));
  chmodSync(dir, 0o700);
  return dir;
}

/** Starts the agent for one scope. Each signature is logged (scope, fingerprint, time). */
export async function startAgent(options: { scope: string; keys: readonly AgentKey[]; logger?: Logger }): Promise<RunningAgent> {
  const logger = options.logger ?? silentLogger();
  const first = options.keys[0];
  if (first === undefined) throw new GateError('GATE_AGENT_FAILED', `no key to serve for scope ${options.scope}`);
  const keys = [...options.keys];
  const dir = privateTempDir('gg-agent-');
  live.add(dir);
  installExitHook();
  const socketPath = path.join(dir, 'agent.sock');
  const publicKeyFile = path.join(dir, 'id.pub');
  if (socketPath.length > MAX_SOCKET_PATH) throw new GateError('GATE_AGENT_FAILED', `agent socket path ${socketPath} is too long for a unix socket`);
  writeFileSync(publicKeyFile, `${publicKeyLine(first.key, first.comment)}\n`, { mode: 0o600 });

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const framer = new AgentFramer();
    socket.on('data', (chunk: Buffer) => {
      const messages = framer.push(chunk);
      if (messages === 'oversized') {
        socket.end(FRAMED_FAILURE);
        return;
      }
      for (const message of messages) {
        const reply = answerAgentRequest(message, keys, (key, algorithm) => {
          logger.info({ event: 'ssh_agent_sign', scope: options.scope, fingerprint: key.fingerprint, algorithm, time: new Date().toISOString() }, 'ssh agent signed');
        });
        socket.write(frame(reply));
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    chmodSync(socketPath, 0o600);
  } catch (error) {
    live.delete(dir);
    rmSync(dir, { recursive: true, force: true });
    throw new GateError('GATE_AGENT_FAILED', `the SSH agent for scope ${options.scope} could not listen on ${socketPath}`, { cause: error });
  }
  server.unref();

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }).finally(() => {
      rmSync(dir, { recursive: true, force: true });
      live.delete(dir);
    });
    return stopped;
  };
  return { socketPath, publicKeyFile, dir, stop };
}
