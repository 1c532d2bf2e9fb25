import { GateError } from '../errors/index.js';

/**
 * Project names are scopes, so they share the scope pattern (a unit test keeps the two equal).
 * It is kept here rather than imported because config sits below src/gate in the layering.
 */
export const PROJECT_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** Throws GATE_SCOPE_INVALID unless the name is a valid project name; runs before any disk access. */
export function assertProjectName(name: string): string {
  if (typeof name !== 'string' || !PROJECT_NAME_PATTERN.test(name)) {
    const shown = JSON.stringify(String(name).slice(0, 80));
    throw new GateError('GATE_SCOPE_INVALID', `project name ${shown} is not allowed: use 1-63 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit`, {
      details: { name: String(name).slice(0, 80) },
    });
  }
  return name;
}
