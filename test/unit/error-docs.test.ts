import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors/index.js';

// docs/errors.md is the user's reference; it must list exactly the registry's codes and fixes.
function documentedRows(): Map<string, { summary: string; fix: string }> {
  const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows = new Map<string, { summary: string; fix: string }>();
  for (const line of text.split('\n')) {
    const match = /^\| `([A-Z_]+)` \| (.*) \| (.*) \|$/.exec(line);
    if (match) rows.set(match[1]!, { summary: match[2]!.replace(/\\\|/g, '|'), fix: match[3]!.replace(/\\\|/g, '|') });
  }
  return rows;
}

describe('error code registry and docs/errors.md', () => {
  it('document exactly the same codes', () => {
    expect([...documentedRows().keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('give the same summary and fix for every code', () => {
    const rows = documentedRows();
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(rows.get(code), code).toEqual({ summary: info.summary, fix: info.fix });
    }
  });

  it('use the GATE_ prefix and upper snake case', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^GATE_[A-Z0-9_]+$/);
  });
});
