// A client container for the end-to-end suites, standing in for a sandboxed agent: the sshd-git
// image (it has git) started with a command that only sleeps, so git runs in it through `exec`,
// with no credential, volume or published port of its own; and the host address such a container
// can reach, the Docker bridge's gateway (FACTS.md: a host service is reachable only there).
import { execFile } from 'node:child_process';
import os from 'node:os';
import type { StartedTestContainer } from 'testcontainers';
import { SSHD_GIT_CONTEXT, SSHD_GIT_IMAGE, testcontainers } from './containers.js';

/** What one shell script in the container printed and how it ended. */
export interface ShellResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function commandOutput(command: string, args: string[]): Promise<string> {
  return new Promise((resolve) => execFile(command, args, { timeout: 20_000 }, (error, stdout) => resolve(error === null ? stdout.trim() : '')));
}

function dockerOutput(args: string[]): Promise<string> {
  return commandOutput('docker', args);
}

/**
 * The bridge network's gateway address on this machine (172.17.0.1 by default): from Docker's own
 * view of the `bridge` network, else the `docker0` interface. It must be one of this machine's
 * interface addresses, so a server bound to it is never exposed beyond the host and its bridge.
 * `ip addr` lists docker0 even while no container is attached; node's networkInterfaces() leaves
 * out an interface without carrier, which docker0 is until the first container starts.
 */
export async function bridgeGatewayAddress(): Promise<string> {
  const ipAddresses = (await commandOutput('ip', ['-4', '-o', 'addr', 'show'])).split('\n').map((line) => /\sinet (\d+\.\d+\.\d+\.\d+)\//.exec(line)?.[1]).filter((a): a is string => a !== undefined);
  const local = [...ipAddresses, ...Object.values(os.networkInterfaces()).flat().filter((info) => info !== undefined && info.family === 'IPv4').map((info) => info!.address)];
  const fromDocker = await dockerOutput(['network', 'inspect', 'bridge', '--format', '{{range .IPAM.Config}}{{.Gateway}}{{end}}']);
  const docker0 = /\sinet (\d+\.\d+\.\d+\.\d+)\//.exec(await commandOutput('ip', ['-4', '-o', 'addr', 'show', 'docker0']))?.[1] ?? '';
  const fromInterface = docker0 || (os.networkInterfaces()['docker0']?.find((info) => info.family === 'IPv4')?.address ?? '');
  const address = [fromDocker, fromInterface].find((candidate) => candidate !== '' && local.includes(candidate));
  if (address === undefined) throw new Error('the Docker bridge gateway is not an address of this machine (no docker0?)');
  return address;
}

/** A running client container; `sh` runs one script in it as root with /bin/sh. */
export class ClientContainer {
  private constructor(private readonly container: StartedTestContainer) {}

  /** Starts the client with only `env` given to it: no volumes, no ports, no credentials. */
  static async start(env: Record<string, string>): Promise<ClientContainer> {
    const { GenericContainer } = await testcontainers();
    // Built (from cache) here too, so the helper does not depend on which suite ran first.
    await GenericContainer.fromDockerfile(SSHD_GIT_CONTEXT).build(SSHD_GIT_IMAGE, { deleteOnExit: false });
    const container = await new GenericContainer(SSHD_GIT_IMAGE).withCommand(['sleep', 'infinity']).withEnvironment(env).start();
    return new ClientContainer(container);
  }

  get id(): string {
    return this.container.getId();
  }

  /** Runs `script` with `sh -c`; `env` is added for this one exec only (not to the container). */
  async sh(script: string, env: Record<string, string> = {}): Promise<ShellResult> {
    const { exitCode, stdout, stderr } = await this.container.exec(['sh', '-c', script], { env });
    return { exitCode, stdout: stdout.trim(), stderr };
  }

  async stop(): Promise<void> {
    await this.container.stop({ timeout: 1_000 });
  }
}
