// JSON in and out for the admin API. Bodies must say they are JSON and are capped: a request
// whose declared or actual size passes the cap is refused without reading the rest.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdminHttpError } from './errors.js';

/** Default cap on a request body. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** Writes a JSON answer that no cache keeps and no browser sniffs. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

/** True for `application/json`, with or without parameters such as charset. */
function isJsonType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type] = header.split(';');
  return type!.trim().toLowerCase() === 'application/json';
}

/**
 * Reads a POST body as a JSON object. Every POST must declare `application/json` (even an empty
 * one, which reads as `{}`): a browser cannot send that type cross-site without a preflight.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  if (!isJsonType(req.headers['content-type'])) {
    throw new AdminHttpError(415, 'GATE_ADMIN_UNSUPPORTED_MEDIA', 'the request body must be application/json');
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const text = await readCapped(req, maxBytes);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AdminHttpError(400, 'GATE_INVALID_ARGUMENT', 'the request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AdminHttpError(400, 'GATE_INVALID_ARGUMENT', 'the request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

// Listeners rather than `for await`: leaving a for-await loop early destroys the request, and with
// it the socket the 413 answer has to go out on. The caller drains what is left (req.resume()).
function readCapped(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      cleanup();
      reject(tooLarge(maxBytes));
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(maxBytes: number): AdminHttpError {
  // Connection: close tells the client (and Node) the rest of the body will not be read.
  return new AdminHttpError(413, 'GATE_TOO_LARGE', `the request body is larger than ${maxBytes} bytes`, { Connection: 'close' });
}

/** Only these keys may appear in a body: a misspelt option is an error, not silently ignored. */
export function onlyKeys(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new AdminHttpError(400, 'GATE_INVALID_ARGUMENT', `unknown field(s) ${unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}; allowed: ${allowed.join(', ')}`);
  }
}
