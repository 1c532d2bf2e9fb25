// The admin API's listener: a 0600 unix socket in a private directory by default, or loopback TCP
// guarded by a bearer token read from a 0600 file. Hosts answered: localhost and the bound
// address, plus any the operator lists (serve.allowed_hosts).
import { createServer } from 'node:http';
import { lstat, readFile } from 'node:fs/promises';
import type { ServeConfig } from '../config/types.js';
import { GateError } from '../errors/index.js';
import { type Logger, registerSecret } from '../log/index.js';
import { type AdminApi, createAdminApi, hardenAdminServer } from './admin/index.js';
import type { DaemonState } from './daemon-state.js';
import { bindListener, type BoundListener } from './listeners.js';
import type { GateMetrics } from './metrics.js';

/** The admin API mounted on its listener. */
export interface AdminListener {
  readonly listener: BoundListener;
  readonly api: AdminApi;
}

/** Reads the admin token file; it must be a regular 0600 file of ours with one non-empty line. */
export async function readAdminToken(file: string): Promise<string> {
  const info = await lstat(file).catch(() => null);
  if (info === null || !info.isFile()) throw new GateError('GATE_CONFIG_INVALID', `serve.admin_token_file ${file} does not exist or is not a regular file`, { fix: `Create it with a long random token: (umask 077; openssl rand -hex 32 > ${file})` });
  if ((info.mode & 0o077) !== 0) throw new GateError('GATE_UNSAFE_PATH', `serve.admin_token_file ${file} is readable by group or others`, { fix: `chmod 600 ${file}` });
  const token = (await readFile(file, 'utf8')).trim();
  if (token.length < 16 || /\s/.test(token)) throw new GateError('GATE_CONFIG_INVALID', `serve.admin_token_file ${file} must hold one token of at least 16 characters without spaces`);
  registerSecret(token);
  return token;
}

/** Binds the admin listener and mounts the admin API on it. */
export async function startAdminListener(serve: ServeConfig, state: DaemonState, metrics: GateMetrics, logger: Logger): Promise<AdminListener> {
  const adminToken = serve.adminTokenFile === null ? null : await readAdminToken(serve.adminTokenFile);
  // The API is built after binding (the Host allow-list names the bound port), so requests that
  // arrive in between get a 503.
  const mounted: { api?: AdminApi } = {};
  const server = hardenAdminServer(createServer((req, res) => {
    if (mounted.api === undefined) res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"error":{"code":"GATE_INTERNAL","message":"starting"}}\n');
    else mounted.api(req, res);
  }));
  const listener = await bindListener(server, serve.adminListen, { privateDir: serve.adminListen.kind === 'unix' });
  const hosts = new Set(['localhost', ...(serve.allowedHosts ?? [])]);
  if (listener.address.kind === 'tcp') {
    hosts.add(listener.display);
    hosts.add(`localhost:${listener.address.port}`);
  }
  const api = createAdminApi({ state, logger, allowedHosts: [...hosts], adminToken, metrics });
  mounted.api = api;
  return { listener, api };
}
