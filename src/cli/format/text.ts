/** How many items a human list shows before "… and N more". */
export const LIST_CAP = 15;

/** The first 7 hex digits, as git shows them; "-" for none. */
export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '-';
}

/** "1 branch" / "2 branches". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** The first LIST_CAP lines, then "… and N more". */
export function capped(lines: readonly string[], cap = LIST_CAP): string[] {
  if (lines.length <= cap) return [...lines];
  return [...lines.slice(0, cap), `… and ${lines.length - cap} more`];
}

/** Rows as left-aligned columns separated by two spaces. */
export function table(rows: ReadonlyArray<readonly string[]>, indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell)))).join('  ').trimEnd());
}

// Style markers (see output.ts) take no room on screen.
function visibleLength(text: string): number {
  return text.replace(/\uE000[0-9a-f]+:\d+\uE001/g, '').length;
}

/** "3 min ago" style age of an ISO time, relative to now. */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return 'unknown';
  if (seconds < 5) return 'just now';
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

/** Seconds with one decimal, "0.4 s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
