// Reading the config schemas as data: the key names under a path (for "known keys" hints), the
// example of a leaf (for error messages) and every documented key path (for the docs test).
import type { z } from 'zod';

type AnySchema = z.ZodType;

interface Def {
  type: string;
  innerType?: AnySchema;
  element?: AnySchema;
  shape?: Record<string, AnySchema>;
}

function defOf(schema: AnySchema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schema inside optional/default/nullable wrappers. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (let def = defOf(current); (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType; def = defOf(current)) {
    current = def.innerType;
  }
  return current;
}

/** The schema that validates the value at a key path, or undefined when the path is not in it. */
export function schemaAt(root: AnySchema, keyPath: readonly PropertyKey[]): AnySchema | undefined {
  let current: AnySchema | undefined = root;
  for (const key of keyPath) {
    if (current === undefined) return undefined;
    const def = defOf(unwrap(current));
    if (def.type === 'object' && def.shape) current = def.shape[String(key)];
    else if (def.type === 'array' && def.element && typeof key === 'number') current = def.element;
    else return undefined;
  }
  return current;
}

/** The keys a mapping at this path accepts ([] when it is not a mapping). */
export function knownKeys(root: AnySchema, keyPath: readonly PropertyKey[]): string[] {
  const schema = schemaAt(root, keyPath);
  if (schema === undefined) return [];
  const def = defOf(unwrap(schema));
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** The example value recorded on a schema (or the schema it wraps). */
export function exampleOf(schema: AnySchema | undefined): unknown {
  for (let current = schema; current !== undefined;) {
    const meta = current.meta() as { example?: unknown } | undefined;
    if (meta?.example !== undefined) return meta.example;
    const def = defOf(current);
    if (def.type === 'array' && def.element) current = def.element;
    else current = def.innerType;
  }
  return undefined;
}

/** Every key path in a schema, dotted, with "[]" for list items ("policy.rules[].ref"). */
export function keyPaths(root: AnySchema, prefix = ''): string[] {
  const def = defOf(unwrap(root));
  if (def.type === 'array' && def.element) return keyPaths(def.element, `${prefix}[]`);
  if (def.type !== 'object' || !def.shape) return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(def.shape)) {
    const dotted = prefix === '' ? key : `${prefix}.${key}`;
    out.push(dotted, ...keyPaths(child, dotted));
  }
  return out;
}
