import type { GitRunner, UpstreamUrl } from '../git/index.js';
import type { Logger } from '../log/index.js';
import type { Transport } from './upstream-fetch.js';

/** What the gate's operations share: fixed at construction, never changed after. */
export interface GateContext {
  readonly scope: string;
  readonly gatePath: string;
  readonly upstream: UpstreamUrl | null;
  readonly defaultBranch: string | undefined;
  readonly runner: GitRunner;
  readonly logger: Logger;
  readonly maxRefs: number;
  readonly networkTimeoutMs: number | undefined;
  /** Where one sync's fetch progress goes: set only on that sync's copy of the context. */
  readonly onProgress?: ((line: string) => void) | undefined;
  /** Environment and config for reaching upstream; throws when credentials are missing. */
  transport(): Promise<Transport>;
}
