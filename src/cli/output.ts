import { randomBytes } from 'node:crypto';
import { sanitize } from '../log/index.js';

/** The JSON envelope version; bump only for incompatible changes. */
export const JSON_SCHEMA_VERSION = 1;

/** Where and how a command writes. */
export interface OutputOptions {
  json: boolean;
  color: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** A problem in the stable shape. */
export interface Problem {
  code: string;
  message: string;
  fix: string;
  details?: Readonly<Record<string, unknown>>;
}

const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;
export type Style = Record<keyof typeof CODES, (text: string) => string>;

// Styles are written as markers carrying a per-process nonce and turned into escape sequences
// only after the line is sanitised: text from a repository cannot forge them.
const NONCE = randomBytes(6).toString('hex');
const MARKER = new RegExp(`\uE000${NONCE}:(\\d+)\uE001`, 'g');

function makeStyle(color: boolean): Style {
  const style = {} as Style;
  for (const [name, [open, close]] of Object.entries(CODES)) {
    style[name as keyof typeof CODES] = color ? (text) => `\uE000${NONCE}:${open}\uE001${text}\uE000${NONCE}:${close}\uE001` : (text) => text;
  }
  return style;
}

/**
 * Human output on stdout, diagnostics on stderr, --json as one document on stdout. Every string
 * that reaches the terminal goes through `sanitize` (URL userinfo, registered secrets, control
 * bytes), so a hostile ref name or git message cannot fake output or leak a token.
 */
export class Output {
  readonly json: boolean;
  readonly style: Style;
  private readonly stdout: NodeJS.WritableStream;
  private readonly stderr: NodeJS.WritableStream;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.style = makeStyle(options.color && !options.json);
    this.stdout = options.stdout;
    this.stderr = options.stderr;
  }

  /** One line of human output (already styled; the text is sanitised here). */
  print(line = ''): void {
    this.stdout.write(`${sanitizeKeepingStyle(line)}\n`);
  }

  /** The --json document: `{ schemaVersion, command, …payload }`. */
  emit(command: string, payload: Record<string, unknown>): void {
    this.stdout.write(`${sanitize(JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, command, ...payload }, null, 2))}\n`);
  }

  /** A diagnostic line on stderr (progress, hints). */
  diag(line: string): void {
    this.stderr.write(`${sanitizeKeepingStyle(line)}\n`);
  }

  /** The one-line error plus its fix, on stderr. */
  error(problem: Problem): void {
    this.stderr.write(`${sanitize(`gate: error ${problem.code}: ${oneLine(problem.message)}`)}\n${sanitize(`fix: ${oneLine(problem.fix)}`)}\n`);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

function sanitizeKeepingStyle(line: string): string {
  return sanitize(line).replace(MARKER, (_match, code: string) => `\x1b[${code}m`);
}

/** Colour only on a terminal, never with NO_COLOR set (non-empty) or --no-color. */
export function wantsColor(stream: NodeJS.WritableStream, env: Readonly<Record<string, string | undefined>>, flag: boolean): boolean {
  const noColor = env['NO_COLOR'];
  return flag && (noColor === undefined || noColor === '') && (stream as { isTTY?: boolean }).isTTY === true;
}
