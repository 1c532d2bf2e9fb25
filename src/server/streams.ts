// The bytes of one stateless-rpc exchange. Both streams have backpressure so memory stays flat
// whatever the size: the request body (gunzipped when git compressed it, capped when asked) into
// git's stdin, and git's stdout into the response. Plus the endpoint's own short answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline, Transform, type TransformCallback, Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Why a request body could not be delivered. */
export type BodyFailure = 'too_large' | 'bad_encoding' | 'aborted';

/** Thrown by the byte counter when a body passes its cap. */
class BodyTooLarge extends Error {}

/** Counts bytes and fails past `cap` (after decompression, so a gzip bomb is stopped too). */
class ByteCap extends Transform {
  bytes = 0;
  constructor(private readonly cap: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.cap) callback(new BodyTooLarge(`request body over ${this.cap} bytes`));
    else callback(null, chunk);
  }
}

/**
 * Writes into git's stdin; once git stops reading (it refused the push, e.g. over
 * receive.maxInputSize, and exited), the rest of the body is read and dropped instead. That is
 * git's decision, not a failed request: its answer must still reach the client, which reads it
 * only after sending its whole body.
 */
class GitStdin extends Writable {
  private gone = false;

  constructor(private readonly stdin: Writable) {
    super();
    const lost = () => (this.gone = true);
    stdin.on('error', lost);
    stdin.on('close', lost);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.gone || this.stdin.write(chunk)) return callback();
    const resume = () => {
      this.stdin.off('drain', resume);
      this.stdin.off('close', resume);
      callback();
    };
    this.stdin.on('drain', resume);
    this.stdin.on('close', resume);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.gone) this.stdin.end();
    callback();
  }
}

/** Pipes the request body into git's stdin; calls `onFailure` once if the client's body is bad or cut off. */
export function pipeRequestBody(req: IncomingMessage, stdin: Writable, options: { gzip: boolean; maxBytes: number }, onFailure: (why: BodyFailure) => void): { bytes(): number } {
  const counter = new ByteCap(options.maxBytes);
  const done = (error: NodeJS.ErrnoException | null) => {
    if (error === null || error === undefined) return;
    if (error instanceof BodyTooLarge) onFailure('too_large');
    else if (typeof error.code === 'string' && error.code.startsWith('Z_')) onFailure('bad_encoding');
    else onFailure('aborted');
  };
  const sink = new GitStdin(stdin);
  if (options.gzip) pipeline(req, createGunzip(), counter, sink, done);
  else pipeline(req, counter, sink, done);
  return { bytes: () => counter.bytes };
}

/** Caching headers for every git answer (as `git http-backend` sends them). */
export const NO_CACHE: Readonly<Record<string, string>> = { 'Cache-Control': 'no-cache, max-age=0, must-revalidate', Pragma: 'no-cache', Expires: 'Fri, 01 Jan 1980 00:00:00 GMT' };

/** What the endpoint knows of an answer while and after it streams. */
export interface ServiceOutput {
  started(): boolean;
  bytes(): number;
  /** True once the answer was seen to carry a pack (a clone or fetch, not a ref listing). */
  sentPack(): boolean;
  /** Sends the headers (and preamble) now, for an answer with no body bytes from git. */
  begin(): void;
  /**
   * Stops sending to the client but keeps reading git's output, so a git being stopped never
   * dies of SIGPIPE: killed that way, receive-pack 2.39 leaves its quarantine directory behind.
   */
  discard(): void;
}

/**
 * Streams git's stdout into the response. Headers (status 200) go out with the first byte, so a
 * git that fails before answering still gets a clean error status; `preamble` (the `# service=`
 * pkt-lines of a v0 advertisement) goes first.
 */
export function pipeServiceOutput(stdout: NodeJS.ReadableStream, res: ServerResponse, headers: Record<string, string>, preamble: Buffer | null): ServiceOutput {
  let started = false;
  let bytes = 0;
  const sniffer = new PackSniffer();
  const begin = () => {
    if (started) return;
    started = true;
    res.writeHead(200, headers);
    if (preamble !== null) res.write(preamble);
  };
  let discarding = false;
  stdout.on('data', (chunk: Buffer) => {
    if (discarding) return;
    begin();
    bytes += chunk.length;
    sniffer.feed(chunk);
    if (!res.write(chunk)) {
      stdout.pause();
      res.once('drain', () => stdout.resume());
    }
  });
  const discard = () => {
    discarding = true;
    stdout.resume();
  };
  return { started: () => started, bytes: () => bytes, sentPack: () => sniffer.found, begin, discard };
}

const SNIFF_LIMIT = 64 * 1024;

// Walks upload-pack's first pkt-lines looking for a pack: a v2 `packfile` section header, a
// side-band packet on channel 1 starting with `PACK`, or a bare `PACK` (no side-band).
// Acknowledgements and progress come first and are short, so the first 64 KiB decide.
class PackSniffer {
  found = false;
  private head = Buffer.alloc(0);
  private offset = 0;
  private done = false;

  feed(chunk: Buffer): void {
    if (this.done) return;
    this.head = Buffer.concat([this.head, chunk.subarray(0, SNIFF_LIMIT)]);
    while (!this.done && this.offset + 4 <= this.head.length) {
      const size = this.head.toString('latin1', this.offset, this.offset + 4);
      if (size === 'PACK') return this.stop(true);
      if (!/^[0-9a-f]{4}$/.test(size)) return this.stop(false);
      const length = Number.parseInt(size, 16);
      if (length < 4) {
        this.offset += 4; // flush, delimiter or response-end packet
        continue;
      }
      const payload = this.head.subarray(this.offset + 4, this.offset + length);
      if (payload.length >= 5 && payload[0] === 1 && payload.toString('latin1', 1, 5) === 'PACK') return this.stop(true);
      if (payload.length >= 9 && payload.toString('latin1', 0, 9) === 'packfile\n') return this.stop(true);
      if (this.offset + length > this.head.length) break; // wait for the rest of this packet
      this.offset += length;
    }
    if (this.head.length >= SNIFF_LIMIT) this.stop(false);
  }

  private stop(found: boolean): void {
    this.found = found;
    this.done = true;
    this.head = Buffer.alloc(0);
  }
}

/**
 * A plain-text answer. git shows the text/plain body of a refused GET as `remote:` lines, so
 * bodies are fixed strings written for a person (never a host path, token or git's stderr).
 */
export function reply(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...NO_CACHE, ...headers });
  res.end(`git-gate: ${message}\n`);
}
