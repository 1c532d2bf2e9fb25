import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/cli/app.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { buildProgram } from '../../src/cli/program.js';

const docs = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env: {} };
const program = buildProgram(new App(io));

describe('docs/cli.md and the command registry', () => {
  it('has a section for every command and none for a command that does not exist', () => {
    const documented = [...docs.matchAll(/^### `gate ([a-z-]+)/gm)].map((match) => match[1]!);
    expect(documented.sort()).toEqual(program.commands.map((command) => command.name()).sort());
  });

  it('documents every option of every command', () => {
    for (const command of program.commands) {
      const start = docs.indexOf(`### \`gate ${command.name()}`);
      const section = docs.slice(start, docs.indexOf('\n### ', start + 1));
      for (const option of command.options) expect(section, `${command.name()} ${option.long}`).toContain(option.long!);
    }
  });

  it('documents every exit code', () => {
    for (const code of Object.values(EXIT)) expect(docs).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });
});
