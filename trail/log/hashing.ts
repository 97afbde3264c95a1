import { hash } from 'node:crypto';

/**
 * RFC 9162 §2.1.1 hashing for the server side, synchronous (node:crypto) because integration hashes
 * every entry; the browser-safe verifier (`verifier/merkle.ts`) computes the same bytes on Web Crypto.
 */
const sha256 = (input: Uint8Array): Uint8Array => {
  const digest = hash('sha256', input, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
};

export function leafHash(entry: Uint8Array): Uint8Array {
  const input = new Uint8Array(entry.length + 1);
  input.set(entry, 1);
  return sha256(input);
}

// One-shot hashing of a reused buffer is about twice as fast as createHash() with three updates,
// and integration is synchronous, so no other call can interleave.
const pair = new Uint8Array(65);
pair[0] = 0x01;

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  pair.set(left, 1);
  pair.set(right, 33);
  return sha256(pair);
}

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array());

/**
 * The hash of a range from its perfect subtrees, left to right: RFC 9162 splits a range at the
 * largest power of two, so the rightmost subtrees are combined first.
 */
export function foldRight(hashes: readonly Uint8Array[]): Uint8Array {
  let acc = hashes.at(-1);
  if (acc === undefined) return EMPTY_ROOT;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i] as Uint8Array, acc);
  return acc;
}
