// Docker for the container suites: whether it can run here, and the SSH git host image. The
// suites skip, with the reason printed, where Docker or the local base image is missing; .ci/run
// provides both (FACTS.md: dockerd from Debian's docker.io, the base image by debootstrap).
import { execFile } from 'node:child_process';
import path from 'node:path';
import type * as TestcontainersModule from 'testcontainers';

/** The base image the fixtures are built FROM (pulled on a normal machine). */
export const BASE_IMAGE = 'debian:bookworm-slim';
/** The SSH git host image, built from test/fixtures/sshd-git. */
export const SSHD_GIT_IMAGE = 'git-gate-test/sshd-git:2';
export const SSHD_GIT_CONTEXT = path.join(import.meta.dirname, '..', 'fixtures', 'sshd-git');

function docker(args: string[]): Promise<boolean> {
  return new Promise((resolve) => execFile('docker', args, { timeout: 20_000 }, (error) => resolve(error === null)));
}

/** Why container tests cannot run here, or undefined when they can. */
export async function containersUnavailable(): Promise<string | undefined> {
  if (!(await docker(['info', '--format', '{{.ServerVersion}}']))) return 'no Docker daemon is reachable (start dockerd; .ci/run does)';
  if (!(await docker(['image', 'inspect', BASE_IMAGE]))) return `base image ${BASE_IMAGE} is missing and cannot be pulled here (.ci/run builds it with debootstrap)`;
  return undefined;
}

/** testcontainers, with its reaper off: its image cannot be pulled here; suites stop their own containers. */
export async function testcontainers(): Promise<typeof TestcontainersModule> {
  process.env['TESTCONTAINERS_RYUK_DISABLED'] = 'true';
  return import('testcontainers');
}
