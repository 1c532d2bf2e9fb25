// The gate-owned pre-receive hook. receive-pack runs it with `-c core.hooksPath=<this dir>`; it
// is a relay, not a judge: it sends the pushed `old new ref` lines, the quarantine variables git
// gave it and the session ticket the server put in its environment to the daemon over a private
// unix socket, prints the daemon's answer (git shows it as `remote:` lines) and exits with its
// verdict. The daemon holds the identity and the policy; the client can set neither. If the
// daemon cannot be reached the hook fails closed.
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** What the relay sends, one JSON document per connection. */
export interface HookRequest {
  ticket: string;
  updates: string;
  objectDirectory: string | null;
  alternateObjectDirectories: string | null;
  quarantinePath: string | null;
  pushOptionCount: string | null;
}

/** What the daemon answers. */
export interface HookAnswer {
  accept: boolean;
  lines: string[];
}

/** The environment variable the server sets for receive-pack (GIT_GATE_* passes buildGitEnv). */
export const TICKET_ENV = 'GIT_GATE_HOOK_TICKET';

function relaySource(socketPath: string): string {
  return `'use strict';
// git-gate pre-receive relay (generated; see src/server/hook-relay.ts).
const net = require('node:net');
const env = process.env;
const fail = (message) => { process.stderr.write('git-gate: ' + message + '\\n'); process.exit(1); };
const input = [];
process.stdin.on('data', (chunk) => input.push(chunk));
process.stdin.on('end', () => {
  const socket = net.createConnection(${JSON.stringify(socketPath)});
  const answer = [];
  socket.on('data', (chunk) => answer.push(chunk));
  socket.on('error', () => fail('the push policy check is unavailable; nothing was changed'));
  socket.on('end', () => {
    let verdict;
    try { verdict = JSON.parse(Buffer.concat(answer).toString('utf8')); } catch { fail('the push policy check gave no answer; nothing was changed'); }
    for (const line of verdict.lines) process.stderr.write(line + '\\n');
    process.exit(verdict.accept === true ? 0 : 1);
  });
  socket.end(JSON.stringify({
    ticket: env.${TICKET_ENV} || '',
    updates: Buffer.concat(input).toString('utf8'),
    objectDirectory: env.GIT_OBJECT_DIRECTORY || null,
    alternateObjectDirectories: env.GIT_ALTERNATE_OBJECT_DIRECTORIES || null,
    quarantinePath: env.GIT_QUARANTINE_PATH || null,
    pushOptionCount: env.GIT_PUSH_OPTION_COUNT === undefined ? null : env.GIT_PUSH_OPTION_COUNT,
  }));
});
`;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Creates the 0700 hooks directory with `pre-receive` and its relay; returns the dir and the socket path to listen on. */
export async function installHookRelay(parent: string = os.tmpdir(), nodePath: string = process.execPath): Promise<{ hooksDir: string; socketPath: string }> {
  const hooksDir = await mkdtemp(path.join(parent, 'git-gate-hooks-'));
  await chmod(hooksDir, 0o700);
  const socketPath = path.join(hooksDir, 'policy.sock');
  const relay = path.join(hooksDir, 'relay.cjs');
  await writeFile(relay, relaySource(socketPath), { mode: 0o600 });
  await writeFile(path.join(hooksDir, 'pre-receive'), `#!/bin/sh\nexec ${shellQuote(nodePath)} ${shellQuote(relay)}\n`, { mode: 0o700 });
  return { hooksDir, socketPath };
}
