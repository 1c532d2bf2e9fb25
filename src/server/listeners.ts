// Binding the daemon's HTTP servers to configured addresses: loopback TCP or unix sockets. A
// leftover socket file of a dead daemon is replaced; a live one (another `gate serve`) is not.
// The admin socket's directory must be private (0700, ours), the socket itself 0600.
import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import type { Server } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { formatListenAddress, type ListenAddress } from '../config/listen-address.js';
import { GateError } from '../errors/index.js';

/** A server listening on one address. */
export interface BoundListener {
  /** As bound: a TCP port of 0 is replaced by the port the kernel chose. */
  readonly address: ListenAddress;
  readonly display: string;
  readonly server: Server;
}

/** Makes `server` listen on `address`; `privateDir` demands a 0700 directory of ours around a unix socket. */
export async function bindListener(server: Server, address: ListenAddress, options: { privateDir?: boolean } = {}): Promise<BoundListener> {
  if (address.kind === 'unix') await prepareSocketPath(address.path, options.privateDir ?? false);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(listenFailure(address, error));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    if (address.kind === 'unix') server.listen(address.path);
    else server.listen({ host: address.host, port: address.port, exclusive: true });
  });
  if (address.kind === 'unix') {
    await chmod(address.path, 0o600);
    return { address, display: formatListenAddress(address), server };
  }
  const bound = server.address() as net.AddressInfo;
  const actual: ListenAddress = { kind: 'tcp', host: address.host, port: bound.port };
  return { address: actual, display: formatListenAddress(actual), server };
}

/** Stops accepting; resolves when every connection has ended (idle keep-alive ones are closed at once). */
export function closeListener(listener: BoundListener): Promise<void> {
  return new Promise((resolve) => {
    listener.server.close(() => resolve());
    listener.server.closeIdleConnections();
  });
}

/** Removes a unix socket file left behind (node removes it on close; a crash does not). */
export async function removeSocketFile(address: ListenAddress): Promise<void> {
  if (address.kind !== 'unix') return;
  const info = await lstat(address.path).catch(() => null);
  if (info?.isSocket()) await unlink(address.path).catch(() => undefined);
}

async function prepareSocketPath(socket: string, privateDir: boolean): Promise<void> {
  const dir = path.dirname(socket);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (privateDir) {
    const info = await lstat(dir);
    const ownUid = process.getuid?.();
    if (!info.isDirectory() || info.isSymbolicLink() || (ownUid !== undefined && info.uid !== ownUid)) {
      throw new GateError('GATE_UNSAFE_PATH', `${dir} (the admin socket's directory) must be a real directory owned by this user`);
    }
    // Ours: tighten it (an operator's mkdir under a 022 umask left it 0755).
    if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
  }
  const existing = await lstat(socket).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (existing === null) return;
  if (!existing.isSocket()) {
    throw new GateError('GATE_LISTEN_FAILED', `cannot listen on unix:${socket}: a file that is not a socket is in the way`, { fix: `Remove or move ${socket}, or choose another socket path in config.yaml.` });
  }
  if (await socketAnswers(socket)) {
    throw new GateError('GATE_LISTEN_FAILED', `cannot listen on unix:${socket}: another process is serving on it (is another \`gate serve\` running?)`);
  }
  await unlink(socket);
}

function socketAnswers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const client = net.connect(socket);
    const done = (answer: boolean) => {
      client.destroy();
      resolve(answer);
    };
    client.once('connect', () => done(true));
    client.once('error', () => done(false));
    client.setTimeout(1000, () => done(false));
  });
}

function listenFailure(address: ListenAddress, error: NodeJS.ErrnoException): GateError {
  const where = formatListenAddress(address);
  const why = error.code === 'EADDRINUSE' ? 'the address is in use (is another `gate serve` running?)'
    : error.code === 'EACCES' ? 'permission denied (ports below 1024 need privileges; use a higher port)'
      : error.code === 'EADDRNOTAVAIL' ? 'no interface of this machine has that address'
        : `${error.code ?? 'error'}`;
  return new GateError('GATE_LISTEN_FAILED', `cannot listen on ${where}: ${why}`, { cause: error });
}
