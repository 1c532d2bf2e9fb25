import path from 'node:path';
import { GitGate, type GitGateOptions } from '../../src/index.js';
import { tempDir, Upstream } from './git-fixture.js';

/** An upstream plus a gate on it, in one temp dir. */
export async function gateOnLocalUpstream(options: Partial<GitGateOptions> = {}): Promise<{ root: string; upstream: Upstream; gate: GitGate; gatePath: string }> {
  const root = await tempDir();
  const upstream = await Upstream.create(root);
  const gatePath = path.join(root, 'gates', 'demo.git');
  const gate = new GitGate({ scope: 'demo', gatePath, upstreamUrl: upstream.dir, allowLocalUpstream: true, ...options });
  return { root, upstream, gate, gatePath };
}
