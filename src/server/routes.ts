// The only URLs the git endpoint answers: smart HTTP's three, for one project each. Everything
// else (dumb HTTP's /HEAD and /objects/, other query strings, odd names) is a 404.
import type { GitService } from '../git/index.js';

/** Project names as they appear in URLs; one decode, then this pattern. */
export const PROJECT_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** A request the endpoint serves. */
export interface GitRoute {
  project: string;
  service: GitService;
  /** GET …/info/refs (advertise) or POST …/git-<service> (one stateless-rpc exchange). */
  advertise: boolean;
}

const PATH = /^\/([^/]+)\.git\/(info\/refs|git-upload-pack|git-receive-pack)$/;

/** The route for a method and raw request URL, or the status to answer with. */
export function matchRoute(method: string | undefined, rawUrl: string | undefined): GitRoute | { status: 404 | 405 } {
  const url = rawUrl ?? '';
  const query = url.indexOf('?');
  const pathname = query === -1 ? url : url.slice(0, query);
  const search = query === -1 ? '' : url.slice(query + 1);
  const match = PATH.exec(pathname);
  if (!match) return { status: 404 };
  let project: string;
  try {
    project = decodeURIComponent(match[1]!);
  } catch {
    return { status: 404 };
  }
  if (!PROJECT_PATTERN.test(project)) return { status: 404 };
  const action = match[2]!;
  if (action === 'info/refs') {
    const service = /^service=git-(upload-pack|receive-pack)$/.exec(search)?.[1];
    if (service === undefined) return { status: 404 };
    if (method !== 'GET') return { status: 405 };
    return { project, service: service as GitService, advertise: true };
  }
  if (search !== '') return { status: 404 };
  if (method !== 'POST') return { status: 405 };
  return { project, service: action === 'git-upload-pack' ? 'upload-pack' : 'receive-pack', advertise: false };
}

/** The Basic-auth values that may hold the token: the password, then the username (empty ones dropped). */
export function presentedCredentials(authorization: string | undefined): string[] {
  if (authorization === undefined) return [];
  const match = /^Basic +([A-Za-z0-9+/=]{1,1024})$/i.exec(authorization.trim());
  if (!match) return [];
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const username = colon === -1 ? decoded : decoded.slice(0, colon);
  const password = colon === -1 ? '' : decoded.slice(colon + 1);
  return [password, username].filter((value) => value !== '');
}

/** GIT_PROTOCOL from the Git-Protocol header: only the two values git sends are passed on. */
export function gitProtocolFrom(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  return value === 'version=2' || value === 'version=1' ? value : null;
}
