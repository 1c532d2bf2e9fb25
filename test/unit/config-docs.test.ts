import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { globalSchema, keyPaths, projectSchema } from '../../src/config/index.js';

// docs/config.md must document exactly the keys the schemas accept, section by section.
function documentedKeys(section: string): string[] {
  const text = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
  const start = text.indexOf(`\n## ${section}\n`);
  expect(start, `section "## ${section}"`).toBeGreaterThan(-1);
  const end = text.indexOf('\n## ', start + 1);
  const body = text.slice(start, end === -1 ? undefined : end);
  return [...body.matchAll(/^\| `([a-z_.[\]]+)` \|/gm)].map((match) => match[1]!);
}

describe('docs/config.md and the config schemas', () => {
  it('documents every project key and no other', () => {
    expect(documentedKeys('Project file').sort()).toEqual(keyPaths(projectSchema).sort());
  });

  it('documents every global key and no other', () => {
    expect(documentedKeys('Global config').sort()).toEqual(keyPaths(globalSchema).sort());
  });
});
