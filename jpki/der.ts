/**
 * True when the bytes are one DER element whose whole structure is well formed (X.690 §10.1):
 * definite lengths in their shortest form, each constructed element's children filling it exactly,
 * nothing after the end. asn1js reads some damaged lengths leniently (found by fuzzing: a
 * certificate's outer length 256 short, a signature BIT STRING's length 1,024 long), so a
 * certificate is checked here before it is decoded.
 */
export const isStrictDer = (bytes: Uint8Array): boolean =>
  elementEnd(bytes, 0, bytes.length) === bytes.length;

function elementEnd(bytes: Uint8Array, at: number, end: number): number | undefined {
  const tag = bytes[at];
  const first = bytes[at + 1];
  if (tag === undefined || first === undefined || at + 2 > end) return undefined;
  if ((tag & 0x1f) === 0x1f) return undefined; // high tag numbers: certificates have none
  const content = lengthOf(bytes, at + 1, end);
  if (content === undefined) return undefined;
  const contentEnd = content.start + content.length;
  if (contentEnd > end) return undefined;
  if ((tag & 0x20) !== 0) {
    for (let child = content.start; child < contentEnd; ) {
      const next = elementEnd(bytes, child, contentEnd);
      if (next === undefined) return undefined;
      child = next;
    }
  }
  return contentEnd;
}

function lengthOf(bytes: Uint8Array, at: number, end: number): { start: number; length: number } | undefined {
  const first = bytes[at] ?? 0;
  if ((first & 0x80) === 0) return { start: at + 1, length: first };
  const count = first & 0x7f;
  // 0 is the indefinite form (BER only); more than 4 octets is no certificate's size.
  if (count === 0 || count > 4 || at + 1 + count > end || bytes[at + 1] === 0) return undefined;
  let length = 0;
  for (let i = 1; i <= count; i++) length = length * 256 + (bytes[at + i] ?? 0);
  return length < 0x80 ? undefined : { start: at + 1 + count, length };
}
