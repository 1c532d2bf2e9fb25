import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
import { GateError } from '../errors/index.js';
import { escapeControl } from '../log/index.js';

/** A config file parsed into plain data, with a way back from a key path to its line. */
export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  /** "line:column" of the node at the path (the deepest one that exists), 1-based; with
   *  `atKey`, of the last key itself rather than its value. */
  locate(keyPath: readonly PropertyKey[], atKey?: boolean): string;
}

/** Bigger files are refused before parsing: configs are small, and parsing is not free. */
const MAX_CONFIG_BYTES = 256 * 1024;
/** Anchors are rarely needed in config; a handful is plenty and keeps alias bombs out. */
const MAX_ALIAS_COUNT = 16;

/**
 * Parses one YAML document strictly: duplicate keys, merge keys ("<<" stays a plain key that the
 * schema refuses), explicit tags, multiple documents and alias expansion beyond a small cap are
 * errors that name the file and the line.
 */
export function parseConfigYaml(file: string, text: string): YamlSource {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) {
    throw configError(`${file}: the file is larger than ${MAX_CONFIG_BYTES / 1024} KiB`, file);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, merge: false, schema: 'core', prettyErrors: false, strict: true });
  const at = (offset: number | undefined): string => {
    const pos = lineCounter.linePos(offset ?? 0);
    return `${pos.line}:${pos.col}`;
  };
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) {
    throw configError(`${file}:${at(problem.pos[0])}: ${firstLine(problem.message)}`, file);
  }
  visit(doc, (_key, node) => {
    const tagged = node as { tag?: string; range?: [number, number, number] } | null;
    if (tagged !== null && typeof tagged.tag === 'string') {
      throw configError(`${file}:${at(tagged.range?.[0])}: YAML tags (${escapeControl(tagged.tag)}) are not allowed in config files`, file);
    }
  });
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw configError(`${file}: too many alias expansions (more than ${MAX_ALIAS_COUNT}); write the values out instead of using anchors`, file, error);
  }
  return {
    file,
    data,
    locate(keyPath, atKey = false) {
      return at(nodeAt(doc.contents as Node | null, keyPath, atKey)?.range?.[0]);
    },
  };
}

function firstLine(message: string): string {
  return escapeControl(message.split('\n')[0] ?? message);
}

function configError(message: string, file: string, cause?: unknown): GateError {
  return new GateError('GATE_CONFIG_INVALID', message, { details: { file }, ...(cause !== undefined ? { cause } : {}) });
}

// Walks maps by key and sequences by index; stops at the deepest node that exists, so a missing
// key reports the mapping it is missing from.
function nodeAt(root: Node | null, keyPath: readonly PropertyKey[], atKey: boolean): Node | null {
  let current: Node | null = root;
  for (const [index, key] of keyPath.entries()) {
    if (current === null) return null;
    let next: Node | null = null;
    if (isMap(current)) {
      const pair = current.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
      const last = index === keyPath.length - 1;
      if (pair !== undefined) next = atKey && last ? (pair.key as Node) : ((pair.value as Node | null) ?? (pair.key as Node));
    } else if (isSeq(current) && typeof key === 'number') {
      next = (current.items[key] as Node | undefined) ?? null;
    }
    if (next === null) return current;
    current = next;
  }
  return current;
}
