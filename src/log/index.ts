export { createLogger, silentLogger, type Logger, type LoggerOptions } from './logger.js';
export { escapeControl, redactSecrets, registerSecret, sanitize } from './redact.js';
