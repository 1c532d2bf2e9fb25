// An in-process SSH git server (ssh2 Server) on 127.0.0.1:0 for every test run: accepts only the
// given public keys (verifying each signature), runs the real git-upload-pack/git-receive-pack on
// the repositories it serves, passes GIT_PROTOCOL through, and counts TCP connections.
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';

/** A running test server. */
export interface SshGitServer {
  readonly port: number;
  /** The host key as a known_hosts key part: "ssh-ed25519 AAAA…". */
  readonly hostKey: string;
  /** TCP connections accepted so far. */
  connections: number;
  /** Public-key algorithms of successful signatures ("rsa-sha2-512", "ssh-ed25519", …). */
  readonly signatureAlgorithms: string[];
  close(): Promise<void>;
}

/** Options: repositories by request path ("/repo.git" → directory), authorised key lines. */
export interface SshGitServerOptions {
  repos: Readonly<Record<string, string>>;
  authorizedKeys: readonly string[];
  /** An OpenSSH private host key; a fresh ed25519 key by default. */
  hostKeyPrivate?: string;
}

function blobOf(line: string): Buffer {
  return Buffer.from(line.trim().split(/\s+/)[1] ?? '', 'base64');
}

/** Starts the server. */
export async function startSshGitServer(options: SshGitServerOptions): Promise<SshGitServer> {
  let hostKeyPrivate = options.hostKeyPrivate;
  let hostKey = '';
  if (hostKeyPrivate === undefined) {
    // ssh2 1.17's generator writes about one ed25519 key in 200 that its own parser rejects
    // ("Malformed OpenSSH private key"): draw again until the server can load it.
    for (let attempt = 1; ; attempt++) {
      const pair = ssh2.utils.generateKeyPairSync('ed25519');
      if (!(ssh2.utils.parseKey(pair.private) instanceof Error)) {
        hostKeyPrivate = pair.private;
        hostKey = pair.public.split(' ').slice(0, 2).join(' ');
        break;
      }
      if (attempt >= 10) throw new Error('ssh2 could not generate a loadable host key');
    }
  } else {
    const parsed = ssh2.utils.parseKey(hostKeyPrivate);
    if (parsed instanceof Error) throw parsed;
    hostKey = `${parsed.type} ${parsed.getPublicSSH().toString('base64')}`;
  }
  const allowed = options.authorizedKeys.map(blobOf);
  const state = { connections: 0, signatureAlgorithms: [] as string[] };

  const clients = new Set<ssh2.Connection>();
  const server = new ssh2.Server({ hostKeys: [hostKeyPrivate] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || !allowed.some((blob) => blob.equals(ctx.key.data))) return ctx.reject(['publickey']);
      if (!ctx.signature || !ctx.blob) return ctx.accept();
      const parsed = ssh2.utils.parseKey(ctx.key.data);
      if (parsed instanceof Error || parsed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(['publickey']);
      // ssh2 names an RSA key "ssh-rsa" whatever the signature hash; the hash tells them apart.
      const rsaNames: Record<string, string> = { sha512: 'rsa-sha2-512', sha256: 'rsa-sha2-256' };
      state.signatureAlgorithms.push(ctx.key.algo === 'ssh-rsa' ? (rsaNames[ctx.hashAlgo ?? ''] ?? 'ssh-rsa') : ctx.key.algo);
      return ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        const env: Record<string, string> = {};
        session.on('env', (accept, _reject, info) => {
          if (info.key === 'GIT_PROTOCOL') env['GIT_PROTOCOL'] = info.val;
          accept?.();
        });
        session.on('exec', (accept, reject, info) => {
          const match = /^(git-upload-pack|git-receive-pack) '([^']+)'$/.exec(info.command);
          const repo = match ? options.repos[match[2]!] : undefined;
          if (!match || repo === undefined) return reject();
          const stream = accept();
          const child = spawn('git', [match[1]!.slice(4), repo], {
            env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: repo, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...env },
          });
          stream.pipe(child.stdin);
          child.stdout.pipe(stream, { end: false });
          child.stderr.on('data', (chunk: Buffer) => stream.stderr.write(chunk));
          child.on('close', (code) => {
            stream.exit(code ?? 1);
            stream.end();
          });
        });
      });
    });
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    hostKey,
    get connections() {
      return state.connections;
    },
    set connections(value: number) {
      state.connections = value;
    },
    signatureAlgorithms: state.signatureAlgorithms,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.end();
        server.close(() => resolve());
      }),
  };
}
