/** argv listing refs under the given prefixes as "<sha> <refname>". */
export function forEachRefArgs(prefixes: readonly string[]): string[] {
  return ['for-each-ref', '--format=%(objectname) %(refname)', '--end-of-options', ...prefixes];
}

/** Parses forEachRefArgs output into refname → sha. */
export function parseForEachRef(stdout: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}
