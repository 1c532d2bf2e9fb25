import { pino, type Logger } from 'pino';
import { sanitize } from './redact.js';

export type { Logger } from 'pino';

/** Field names whose values are never logged, at any depth pino can address. */
const REDACTED_PATHS = [
  'token', 'password', 'passphrase', 'secret', 'privateKey', 'authorization',
  '*.token', '*.password', '*.passphrase', '*.secret', '*.privateKey', '*.authorization',
  'headers.authorization', 'req.headers.authorization',
];

/** Options for the process logger. */
export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stderr so stdout stays for command output. */
  destination?: NodeJS.WritableStream;
}

/**
 * A pino logger whose string fields are sanitised (secrets, URL userinfo, control bytes) and
 * whose secret-named fields are censored.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env['GATE_LOG_LEVEL'] ?? 'info',
      base: { name: 'git-gate' },
      redact: { paths: REDACTED_PATHS, censor: '***' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? sanitize(arg) : sanitizeDeep(arg))) as Parameters<typeof method>);
        },
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? process.stderr,
  );
}

/** A logger that writes nothing: the library default, so embedding it prints nothing unasked. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

function sanitizeDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return sanitize(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((item) => sanitizeDeep(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = sanitizeDeep(item, depth + 1);
  return out;
}
