import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';

export interface PhysicalLine {
  /** 1-based. */
  line: number;
  /** The line's bytes without its line ending (and without a leading BOM on line 1). */
  raw: Buffer;
  text: string;
  /** The line exceeded the limit: `raw` holds only its first bytes, `text` is empty. */
  tooLong: boolean;
  /** The line's bytes are not UTF-8 (e.g. a Shift_JIS file): `text` is empty, never a guess. */
  notUtf8: boolean;
}

const LF = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Splits a byte stream into lines on LF (a preceding CR is dropped). Works on bytes, not
 * characters, so `raw` is exactly what was in the file and a multi-byte character split
 * across chunks is never mangled. Holds at most one line (capped at `maxLineBytes`) in memory.
 */
export async function* readLines(stream: Readable, maxLineBytes: number): AsyncGenerator<PhysicalLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflow = false;
  let line = 0;

  const finish = (tail: Buffer): PhysicalLine => {
    line++;
    const tooLong = overflow || pendingBytes + tail.length > maxLineBytes;
    let raw = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
    pending = [];
    pendingBytes = 0;
    overflow = false;
    if (line === 1 && raw.subarray(0, 3).equals(BOM)) raw = raw.subarray(3);
    if (raw.length > 0 && raw[raw.length - 1] === CR) raw = raw.subarray(0, raw.length - 1);
    if (tooLong)
      return { line, raw: raw.subarray(0, Math.min(raw.length, 256)), text: '', tooLong, notUtf8: false };
    if (!isUtf8(raw)) return { line, raw, text: '', tooLong, notUtf8: true };
    return { line, raw, text: raw.toString('utf8'), tooLong, notUtf8: false };
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let lf = chunk.indexOf(LF, start); lf !== -1; lf = chunk.indexOf(LF, start)) {
      yield finish(Buffer.from(chunk.subarray(start, lf)));
      start = lf + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (pendingBytes + rest.length > maxLineBytes) {
        // Keep the first bytes for the dead letter; drop the rest of this line.
        if (!overflow) pending.push(Buffer.from(rest.subarray(0, Math.max(0, 256 - pendingBytes))));
        overflow = true;
      } else {
        pending.push(Buffer.from(rest));
      }
      pendingBytes += rest.length;
    }
  }
  if (pending.length > 0) yield finish(Buffer.alloc(0));
}
