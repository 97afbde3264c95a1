/**
 * The shape of an RFC 9162 Merkle tree, as plain arithmetic: which perfect subtrees make up a range
 * of leaves and which ranges an inclusion or consistency proof consists of. Browser-safe and pure.
 *
 * Sizes and indices are JavaScript numbers (safe integers, far beyond any trail), and the code uses
 * arithmetic rather than 32-bit bitwise operators so it stays exact past 2^31.
 */

/** A perfect subtree: `level` ℓ and `index` i cover leaves [i·2^ℓ, (i+1)·2^ℓ). Level 0 is a leaf. */
export interface NodeId {
  level: number;
  index: number;
}

/** The leaves [begin, end); its hash is MTH(D[begin:end]) of RFC 9162 §2.1.1. */
export interface LeafRange {
  begin: number;
  end: number;
}

/** The largest power of two strictly below `n` (n ≥ 2): RFC 9162's k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Whether `n` is 2^k for some k ≥ 0 (exact for any safe integer, unlike Math.log2). */
export function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/**
 * The perfect subtrees, left to right and largest first, whose right fold is MTH(D[begin:end]).
 * Valid for the ranges proofs use: `begin` is a multiple of the largest power of two below
 * `end − begin` (so each chosen subtree is aligned), which RFC 9162's splits guarantee.
 */
export function perfectSubtrees(range: LeafRange): NodeId[] {
  const nodes: NodeId[] = [];
  let begin = range.begin;
  while (begin < range.end) {
    let width = 1;
    while (begin % (width * 2) === 0 && begin + width * 2 <= range.end) width *= 2;
    nodes.push({ level: Math.log2(width), index: begin / width });
    begin += width;
  }
  return nodes;
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]) as leaf ranges, deepest first (the order of the proof). */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  let begin = 0;
  let end = size;
  while (end - begin > 1) {
    const k = splitPoint(end - begin);
    if (index < begin + k) {
      ranges.push({ begin: begin + k, end });
      end = begin + k;
    } else {
      ranges.push({ begin, end: begin + k });
      begin += k;
    }
  }
  return ranges.reverse();
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) as leaf ranges, deepest first. Requires 0 < m ≤ n. */
export function consistencyRanges(size1: number, size2: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  let m = size1;
  let begin = 0;
  let end = size2;
  let wholeTree = true;
  while (m !== end - begin) {
    const k = splitPoint(end - begin);
    if (m <= k) {
      ranges.push({ begin: begin + k, end });
      end = begin + k;
    } else {
      ranges.push({ begin, end: begin + k });
      m -= k;
      begin += k;
      wholeTree = false;
    }
  }
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}: the old tree's root is not in the proof only when it is
  // the new tree's left subtree (the verifier then starts from the old root it already has).
  if (!wholeTree) ranges.push({ begin, end });
  return ranges.reverse();
}
