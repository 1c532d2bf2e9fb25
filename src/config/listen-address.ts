// Listen addresses of the daemon as written in config.yaml: `host:port` (IPv4, `[IPv6]` or
// `localhost`) or `unix:/absolute/path`. Parsing and the loopback rule live with the config so a
// bad address is reported with its file and line, before anything binds.
import net from 'node:net';
import path from 'node:path';

/** One place the daemon listens. */
export type ListenAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

/** The shape a listen address must have (the schema checks it; `parseListenAddress` reads it). */
export const LISTEN_ADDRESS_PATTERN = /^(?:unix:\/[^\0]*|(?:localhost|[0-9.]+|\[[0-9a-fA-F:.]+\]):[0-9]{1,5})$/;

/** The parsed address, or a sentence saying what is wrong with it. */
export function parseListenAddress(text: string): ListenAddress | string {
  if (text.startsWith('unix:')) {
    const socket = text.slice('unix:'.length);
    if (!path.isAbsolute(socket)) return 'a unix socket path must be absolute, as in "unix:/run/git-gate/git.sock"';
    // sockaddr_un holds 108 bytes including the terminating NUL.
    if (Buffer.byteLength(socket) > 107) return 'a unix socket path must be at most 107 bytes long';
    return { kind: 'unix', path: path.normalize(socket) };
  }
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return 'expected "host:port" or "unix:/path"';
  const rawHost = text.slice(0, colon);
  const port = Number(text.slice(colon + 1));
  if (!/^[0-9]{1,5}$/.test(text.slice(colon + 1)) || port > 65_535) return 'the port must be a number from 0 to 65535';
  const host = rawHost.startsWith('[') && rawHost.endsWith(']') ? rawHost.slice(1, -1) : rawHost;
  if (host !== 'localhost' && net.isIP(host) === 0) return 'the host must be an IP address (IPv6 in brackets) or "localhost"';
  return { kind: 'tcp', host, port };
}

/** True for addresses only this machine can reach: unix sockets, 127.0.0.0/8, ::1, localhost. */
export function isLoopback(address: ListenAddress): boolean {
  if (address.kind === 'unix') return true;
  if (address.host === 'localhost' || address.host === '::1') return true;
  if (net.isIPv4(address.host)) return address.host.startsWith('127.');
  // IPv4-mapped loopback (::ffff:127.x.y.z) is loopback too.
  return /^::ffff:127\./i.test(address.host);
}

/** The address as written in config and printed by `gate serve` (`127.0.0.1:7419`, `[::1]:7419`, `unix:/p`). */
export function formatListenAddress(address: ListenAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  return net.isIPv6(address.host) ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
