// Server-sent events, as the test clients of the admin API read them: blocks separated by a
// blank line, `field: value` lines, `:` comments (the keep-alives).

/** One parsed block: its fields and its comment lines. */
export interface SseBlock {
  fields: Map<string, string>;
  comments: string[];
}

/** A `data` handler (utf8 chunks) that calls `onBlock` for every complete block. */
export function sseBlockReader(onBlock: (block: SseBlock) => void): (chunk: string) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const text = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const block: SseBlock = { fields: new Map(), comments: [] };
      for (const line of text.split('\n')) {
        if (line.startsWith(':')) block.comments.push(line.slice(1).trim());
        else if (line.includes(':')) block.fields.set(line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart());
      }
      onBlock(block);
    }
  };
}
