// A minimal agent-protocol client for tests: sends raw bytes to an agent socket and reads one
// framed reply, so tests can speak to the agent the way a hostile or buggy client would.
import net from 'node:net';

/** Writes `chunks` (with `gapMs` between them) and resolves with the first framed reply's payload, or null on close. */
export function agentExchange(socketPath: string, chunks: readonly Buffer[], gapMs = 0): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let buffered = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= 4 && buffered.length >= 4 + buffered.readUInt32BE(0)) {
        socket.destroy();
        resolve(buffered.subarray(4, 4 + buffered.readUInt32BE(0)));
      }
    });
    socket.on('close', () => resolve(null));
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        socket.write(chunk);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}
