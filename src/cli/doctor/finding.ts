/** One doctor finding; every warning and error carries a fix. */
export interface Finding {
  check: string;
  level: 'ok' | 'warn' | 'error';
  message: string;
  fix: string | null;
}

export const ok = (check: string, message: string): Finding => ({ check, level: 'ok', message, fix: null });
export const warn = (check: string, message: string, fix: string): Finding => ({ check, level: 'warn', message, fix });
export const fail = (check: string, message: string, fix: string): Finding => ({ check, level: 'error', message, fix });
