import type { z } from 'zod';
import { GateError } from '../errors/index.js';
import { escapeControl } from '../log/index.js';
import { exampleOf, knownKeys, schemaAt } from './schema-walk.js';
import type { YamlSource } from './yaml-source.js';

const SHOWN_PROBLEMS = 3;

/** Turns schema issues into one GATE_CONFIG_INVALID naming file:line:col, key, expectation, example. */
export function schemaError(source: YamlSource, schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): GateError {
  const problems = issues.map((issue) => describeIssue(source, schema, issue));
  const more = problems.length > SHOWN_PROBLEMS ? ` (and ${problems.length - SHOWN_PROBLEMS} more)` : '';
  const first = issues[0];
  return new GateError('GATE_CONFIG_INVALID', problems.slice(0, SHOWN_PROBLEMS).join('; ') + more, {
    details: { file: source.file, problems: problems.length, ...(first ? { key: dotted(first.path) } : {}) },
  });
}

/** One located problem: "file:line:col: key: what is wrong". */
export function locatedProblem(source: YamlSource, keyPath: readonly PropertyKey[], text: string, atKey = false): string {
  const where = `${source.file}:${source.locate(keyPath, atKey)}`;
  return keyPath.length === 0 ? `${where}: ${text}` : `${where}: ${dotted(keyPath)}: ${text}`;
}

function describeIssue(source: YamlSource, schema: z.ZodType, issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const keyPath = [...issue.path, issue.keys[0] ?? ''];
    const known = knownKeys(schema, issue.path);
    const names = issue.keys.map((key) => JSON.stringify(escapeControl(key).slice(0, 60))).join(', ');
    return locatedProblem(source, keyPath, `unknown key ${names}; expected one of: ${known.join(', ')}`, true);
  }
  const example = exampleOf(schemaAt(schema, issue.path));
  const hint = example === undefined ? '' : `, for example ${JSON.stringify(example)}`;
  return locatedProblem(source, issue.path, `${expectation(issue, valueAt(source.data, issue.path))}${hint}`);
}

function expectation(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `is required: expected ${typeName(issue.expected)}`;
      return `expected ${typeName(issue.expected)}, got ${describeValue(value)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(value)}`;
    case 'too_small':
      return issue.origin === 'array' ? `needs at least ${String(issue.minimum)} item(s)` : issue.origin === 'string' ? 'must not be empty' : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    default:
      return escapeControl(issue.message);
  }
}

function typeName(expected: string): string {
  const names: Record<string, string> = { string: 'a string', boolean: 'true or false', number: 'a number', int: 'a whole number', object: 'a mapping of keys', array: 'a list' };
  return names[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(escapeControl(value).slice(0, 60))}`;
  return `${typeof value} ${String(value)}`;
}

function valueAt(data: unknown, keyPath: readonly PropertyKey[]): unknown {
  let current = data;
  for (const key of keyPath) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** "policy.rules[0].ref" for a path. */
export function dotted(keyPath: readonly PropertyKey[]): string {
  return keyPath.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}
