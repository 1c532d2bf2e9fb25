// git's progress output ("Receiving objects:  45% (450/1000)") rewrites one terminal line with
// `\r` and ends a phase with `\n`. This turns that stream into whole lines for a listener, after
// redaction and control-byte escaping: the text comes from the remote too ("remote: …"), and
// what reaches an operator's terminal must not carry escape sequences or secrets.
import { sanitize } from '../log/index.js';

/** A `data` handler for git's stderr that calls `onLine` once per progress line. */
export function progressLineSplitter(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  let rest = '';
  return (chunk) => {
    const parts = (rest + chunk.toString()).split(/[\r\n]/);
    rest = parts.pop() ?? '';
    for (const part of parts) {
      const line = part.trim();
      if (line !== '') onLine(sanitize(line));
    }
  };
}
