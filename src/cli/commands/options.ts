/** commander option parser for repeatable options (`--branch a --branch b`). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
