// A loopback smart-HTTP git server over TLS for credential tests: `git http-backend` as CGI,
// Basic auth required (unless public), every request recorded (with whether it carried an
// Authorization header), and a mode that redirects to another server. Request bodies are read to
// the end (pushes over 1 MiB arrive chunked) and gzip bodies are passed on with their encoding.
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { tempDir } from './git-fixture.js';

/** A self-signed certificate for 127.0.0.1 (git trusts it through http.sslCAInfo). */
export interface TestCertificate {
  certFile: string;
  cert: string;
  key: string;
}

export async function makeCertificate(): Promise<TestCertificate> {
  const dir = await tempDir('gate-tls-');
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  await execa('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
  return { certFile, cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
}

/** One request as the server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface HttpGitServer {
  readonly port: number;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

export interface HttpGitServerOptions {
  certificate: TestCertificate;
  /** Directory whose subdirectories are served (GIT_PROJECT_ROOT). */
  projectRoot?: string;
  /** Required Basic credentials; none = a public repository. */
  credentials?: { username: string; password: string };
  /** Redirect every authenticated request to this port on 127.0.0.1 (same path). */
  redirectToPort?: number;
  /** Delay before each response, to keep git's processes alive while a test inspects them. */
  delayMs?: number;
}

export async function startHttpGitServer(options: HttpGitServerOptions): Promise<HttpGitServer> {
  const requests: SeenRequest[] = [];
  const expected = options.credentials && `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`;
  const server = https.createServer({ cert: options.certificate.cert, key: options.certificate.key }, async (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    requests.push({ method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (expected !== undefined && req.headers.authorization !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('auth required\n');
      return;
    }
    if (options.redirectToPort !== undefined) {
      res.writeHead(302, { Location: `https://127.0.0.1:${options.redirectToPort}${req.url ?? '/'}` }).end();
      return;
    }
    if (options.projectRoot === undefined) {
      res.writeHead(404).end();
      return;
    }
    const body = Buffer.concat(chunks);
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_PROJECT_ROOT: options.projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.replace(/^\?/, ''),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: String(body.length),
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
        ...(options.credentials ? { REMOTE_USER: options.credentials.username } : {}),
      },
    });
    // http-backend may exit before reading the body (a refused or cancelled request): not an error here.
    cgi.stdin.on('error', () => undefined);
    cgi.stdin.end(body);
    const out: Buffer[] = [];
    cgi.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    cgi.on('close', () => {
      const all = Buffer.concat(out);
      let split = all.indexOf('\r\n\r\n');
      let gap = 4;
      if (split < 0) {
        split = all.indexOf('\n\n');
        gap = 2;
      }
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of all.subarray(0, Math.max(split, 0)).toString().split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else headers[name] = value;
      }
      res.writeHead(status, headers).end(split < 0 ? all : all.subarray(split + gap));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
