import { concat, equalBytes } from './bytes.js';
import { consistencyRanges, inclusionRanges, isPowerOfTwo } from './tree-math.js';

/**
 * RFC 9162 §2.1 Merkle tree hashing and proof verification, on Web Crypto (`crypto.subtle`), so the
 * same code runs in Node and in the resident's browser. Bit-exact: leaf = SHA-256(0x00 ‖ entry),
 * node = SHA-256(0x01 ‖ left ‖ right), the empty tree's root = SHA-256("").
 */
export const HASH_SIZE = 32;

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

export const hashLeaf = (entry: Uint8Array): Promise<Uint8Array> => sha256(concat(Uint8Array.of(0), entry));

export const hashChildren = (left: Uint8Array, right: Uint8Array): Promise<Uint8Array> =>
  sha256(concat(Uint8Array.of(1), left, right));

/**
 * Why a proof was refused: `malformed` when it cannot be a proof for these sizes at all (length,
 * hash sizes, indices), otherwise it is well-formed but leads to other roots. `detail` is for humans.
 */
export type ProofCheck = { ok: true } | { ok: false; malformed: boolean; detail: string };

const refused = (detail: string): ProofCheck => ({ ok: false, malformed: false, detail });
const malformed = (detail: string): ProofCheck => ({ ok: false, malformed: true, detail });
const isSize = (n: number) => Number.isSafeInteger(n) && n >= 0;
const half = (n: number) => Math.floor(n / 2);
const odd = (n: number) => n % 2 === 1;

function wellFormed(hashes: readonly Uint8Array[], expected: number): string | undefined {
  if (hashes.length !== expected) return `the proof has ${hashes.length} hashes where ${expected} are needed`;
  const bad = hashes.findIndex((h) => h.length !== HASH_SIZE);
  return bad < 0 ? undefined : `proof hash ${bad} is ${hashes[bad]?.length} bytes, not ${HASH_SIZE}`;
}

/**
 * RFC 9162 §2.1.3.2: does `proof` show the leaf with `leafHash` at `index` in the tree of `size`
 * whose root is `root`?
 */
export async function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<ProofCheck> {
  if (!isSize(index) || !isSize(size) || index >= size)
    return malformed(`leaf index ${index} is not inside a tree of size ${size}`);
  const shape = wellFormed(proof, inclusionRanges(index, size).length);
  if (shape) return malformed(shape);
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return malformed('the proof is longer than the path to the root');
    if (odd(fn) || fn === sn) {
      r = await hashChildren(p, r);
      if (!odd(fn)) while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = await hashChildren(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) return malformed('the proof is shorter than the path to the root');
  return equalBytes(r, root) ? { ok: true } : refused("the proof does not lead to the tree's root hash");
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show the tree of `size2` (root `root2`) extends the tree of
 * `size1` (root `root1`)? A tree is consistent with itself (empty proof, equal roots) and every tree
 * extends the empty one (empty proof).
 */
export async function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): Promise<ProofCheck> {
  if (!isSize(size1) || !isSize(size2) || size1 > size2)
    return malformed(`a tree of size ${size2} cannot extend one of size ${size1}`);
  if (size1 === 0 || size1 === size2) {
    if (proof.length !== 0) return malformed(`the proof has ${proof.length} hashes where 0 are needed`);
    if (size1 === 0) return { ok: true };
    return equalBytes(root1, root2)
      ? { ok: true }
      : refused('two trees of the same size have different roots');
  }
  const shape = wellFormed(proof, consistencyRanges(size1, size2).length);
  if (shape) return malformed(shape);
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return malformed('the proof is longer than the path to the root');
    if (odd(fn) || fn === sn) {
      fr = await hashChildren(c, fr);
      sr = await hashChildren(c, sr);
      if (!odd(fn)) while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = await hashChildren(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) return malformed('the proof is shorter than the path to the root');
  if (!equalBytes(fr, root1)) return refused("the proof does not lead to the first tree's root hash");
  if (!equalBytes(sr, root2)) return refused("the proof does not lead to the second tree's root hash");
  return { ok: true };
}
