// The agent on a real unix socket: private socket and directory, framing across writes, the size
// cap, failure replies that keep the connection usable, and stop() removing everything.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { frame, MAX_AGENT_MESSAGE } from '../../src/ssh/agent-protocol.js';
import { keyMaterialFrom } from '../../src/ssh/key-material.js';
import { startAgent } from '../../src/ssh/index.js';
import { sshString, uint32 } from '../../src/ssh/wire.js';
import { agentExchange } from '../helpers/agent-client.js';

const key = keyMaterialFrom(generateKeyPairSync('ed25519').privateKey);
const stranger = keyMaterialFrom(generateKeyPairSync('ed25519').privateKey);

function signRequest(blob: Buffer): Buffer {
  return frame(Buffer.concat([Buffer.from([13]), sshString(blob), sshString(Buffer.from('data')), uint32(0)]));
}

describe('ephemeral agent socket', () => {
  it('listens on a 0600 socket in a 0700 directory with a short path, and stop() removes it', async () => {
    const agent = await startAgent({ scope: 's', keys: [{ key, comment: 'git-gate:s' }] });
    expect(agent.socketPath.length).toBeLessThan(108);
    expect((await lstat(agent.socketPath)).mode & 0o777).toBe(0o600);
    expect((await lstat(path.dirname(agent.socketPath))).mode & 0o777).toBe(0o700);
    expect((await lstat(agent.publicKeyFile)).mode & 0o777).toBe(0o600);
    await Promise.all([agent.stop(), agent.stop()]);
    await agent.stop();
    expect(existsSync(path.dirname(agent.socketPath))).toBe(false);
  });

  it('handles split writes, coalesced messages, unknown types and garbage without dropping the connection', async () => {
    const agent = await startAgent({ scope: 's', keys: [{ key, comment: 'git-gate:s' }] });
    try {
      const request = signRequest(key.publicBlob);
      const split = await agentExchange(agent.socketPath, [request.subarray(0, 3), request.subarray(3, 20), request.subarray(20)], 15);
      expect(split?.[0]).toBe(14);
      expect((await agentExchange(agent.socketPath, [frame(Buffer.from([27, 0, 0, 0, 1, 120]))]))?.[0]).toBe(5);
      expect((await agentExchange(agent.socketPath, [signRequest(stranger.publicBlob)]))?.[0]).toBe(5);

      // Two requests in one write, after garbage of the right length: three replies, in order.
      const replies = await new Promise<number[]>((resolve) => {
        const socket = net.connect(agent.socketPath);
        let buffered = Buffer.alloc(0);
        const types: number[] = [];
        socket.on('data', (chunk: Buffer) => {
          buffered = Buffer.concat([buffered, chunk]);
          while (buffered.length >= 4 && buffered.length >= 4 + buffered.readUInt32BE(0)) {
            types.push(buffered[4]!);
            buffered = buffered.subarray(4 + buffered.readUInt32BE(0));
          }
          if (types.length === 3) {
            socket.destroy();
            resolve(types);
          }
        });
        socket.write(Buffer.concat([frame(Buffer.from([0xff, 0x13, 0x37])), frame(Buffer.from([11])), request]));
      });
      expect(replies).toEqual([5, 12, 14]);

      // An oversized length cannot be resynchronised: one failure reply, then the agent hangs up.
      const oversized = await agentExchange(agent.socketPath, [uint32(MAX_AGENT_MESSAGE + 1)]);
      expect(oversized?.[0]).toBe(5);
      // And it still serves new connections.
      expect((await agentExchange(agent.socketPath, [frame(Buffer.from([11]))]))?.[0]).toBe(12);
    } finally {
      await agent.stop();
    }
  });
});
