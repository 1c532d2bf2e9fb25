// The network endpoint of an upstream URL (UpstreamUrl carries the host but not the port).
import type { UpstreamUrl } from '../git/index.js';

/** Host (lowercased, IPv6 without brackets) and port an upstream is reached at. */
export function upstreamEndpoint(upstream: Pick<UpstreamUrl, 'url' | 'kind' | 'host'>): { host: string; port: number } {
  const host = (upstream.host ?? '').replace(/^\[(.*)\]$/, '$1');
  const match = /^(?:ssh|https):\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/]*)(?::([0-9]{1,5}))?\//.exec(upstream.url);
  const port = match?.[2] !== undefined ? Number(match[2]) : upstream.kind === 'https' ? 443 : 22;
  return { host, port };
}
