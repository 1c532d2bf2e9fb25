import { lstat, readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { GateError } from '../errors/index.js';
import { schemaError } from './config-error.js';
import { parseConfigYaml, type YamlSource } from './yaml-source.js';

/** A config file that parsed and matched its schema. */
export interface ValidatedFile<T> {
  source: YamlSource;
  value: T;
}

/** Reads, parses and validates one config file; undefined when it does not exist. */
export async function readConfigFile<S extends z.ZodType>(file: string, schema: S): Promise<ValidatedFile<z.infer<S>> | undefined> {
  let info;
  try {
    info = await lstat(file);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!info.isFile()) {
    throw new GateError('GATE_CONFIG_INVALID', `${file} is not a regular file${info.isSymbolicLink() ? ' (it is a symlink)' : ''}`, {
      fix: `Replace ${file} with a regular file; git-gate does not follow symlinks in its state root.`,
    });
  }
  const source = parseConfigYaml(file, await readFile(file, 'utf8'));
  return { source, value: validate(source, schema) };
}

/** Validates already-parsed YAML against a schema; an empty document counts as an empty mapping. */
export function validate<S extends z.ZodType>(source: YamlSource, schema: S): z.infer<S> {
  const data = source.data === null || source.data === undefined ? {} : source.data;
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw schemaError(source, schema, parsed.error.issues);
  return parsed.data;
}
