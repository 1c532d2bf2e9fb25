import { GateError } from '../errors/index.js';

// git check-ref-format's rules, plus git-gate's own: no leading "-" in any component (it would
// read as an option) and no branch called HEAD (refs/heads/HEAD confuses every client).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\x00-\x20\x7f~^:?*[\\]/;

/** Why a branch name is unsafe, or null when it is fine. */
export function branchNameProblem(name: string): string | null {
  if (name.length === 0) return 'it is empty';
  if (name.length > 255) return 'it is longer than 255 characters';
  if (FORBIDDEN_CHARS.test(name)) return 'it contains a space, control character or one of ~ ^ : ? * [ \\';
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('@{')) return 'it contains "@{"';
  if (name === '@' || name === 'HEAD') return `"${name}" is reserved`;
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'it has an empty path component';
  if (name.endsWith('.')) return 'it ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return 'a component starts with "."';
    if (part.startsWith('-')) return 'a component starts with "-"';
    if (part.endsWith('.lock')) return 'a component ends with ".lock"';
  }
  return null;
}

/** Throws GATE_REF_INVALID unless `name` is a safe branch name (without refs/heads/). */
export function assertBranchName(name: string): string {
  const problem = branchNameProblem(name);
  if (problem !== null) throw new GateError('GATE_REF_INVALID', `branch name ${JSON.stringify(name.slice(0, 300))} is not allowed: ${problem}`);
  return name;
}

const SHA_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** True for a full SHA-1 or SHA-256 object id in lowercase hex. */
export function isObjectId(value: string): boolean {
  return SHA_RE.test(value);
}

/** The all-zero object id git uses for "absent" in ref transactions. */
export const ZERO_OID = '0'.repeat(40);
