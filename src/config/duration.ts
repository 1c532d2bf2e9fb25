// Durations in config files are written the way operators write them in systemd or kubectl:
// a number and one unit ("30s", "5m", "1h", "250ms").

export const DURATION_PATTERN = /^([0-9]{1,9})(ms|s|m|h|d)$/;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds for a duration string that matched DURATION_PATTERN. */
export function durationMs(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  if (!match) throw new RangeError(`not a duration: ${text}`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}
