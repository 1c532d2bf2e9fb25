// SSH wire encoding (RFC 4251 §5): uint32, length-prefixed strings and mpints. Shared by the
// OpenSSH key format, the agent protocol and public key blobs.

/** A big-endian uint32. */
export function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

/** A length-prefixed byte string. */
export function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

/** An unsigned big-endian integer as an SSH mpint: no leading zeros, a 0x00 pad when the top bit is set. */
export function mpint(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length && unsigned[start] === 0) start++;
  let body = unsigned.subarray(start);
  if (body.length > 0 && (body[0]! & 0x80) !== 0) body = Buffer.concat([Buffer.from([0]), body]);
  return sshString(body);
}

/** Reads wire values from a buffer; every read is bounds-checked and throws on truncation. */
export class WireReader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  byte(): number {
    if (this.remaining < 1) throw new RangeError('truncated SSH message');
    return this.buffer[this.offset++]!;
  }

  uint32(): number {
    if (this.remaining < 4) throw new RangeError('truncated SSH message');
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  string(): Buffer {
    const length = this.uint32();
    if (this.remaining < length) throw new RangeError('truncated SSH message');
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}
