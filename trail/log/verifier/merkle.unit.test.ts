import { describe, expect, it } from 'vitest';
import {
  CONSISTENCY_PROOFS,
  INCLUSION_PROOFS,
  LEAF_INPUTS,
  NODE_HASHES,
  ROOTS,
} from '../testdata/rfc6962-vectors.js';
import { toHex } from './bytes.js';
import { hashChildren, hashLeaf, sha256, verifyConsistency, verifyInclusion } from './merkle.js';

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const leaves = LEAF_INPUTS.map(hex);
const root = (size: number) => hex(ROOTS[size] as string);

/** MTH by the RFC's recursive definition, as the reference the vectors are checked against. */
async function mth(entries: Uint8Array[]): Promise<Uint8Array> {
  if (entries.length === 0) return sha256(new Uint8Array());
  if (entries.length === 1) return hashLeaf(entries[0] as Uint8Array);
  let k = 1;
  while (k * 2 < entries.length) k *= 2;
  return hashChildren(await mth(entries.slice(0, k)), await mth(entries.slice(k)));
}

describe('RFC 9162 hashing on Web Crypto (known answers)', () => {
  it('hashes leaves with the 0x00 prefix', async () => {
    for (const [i, leaf] of leaves.entries()) expect(toHex(await hashLeaf(leaf))).toBe(NODE_HASHES[0]?.[i]);
  });

  it('gives the reference root for every size 0 … 8', async () => {
    for (let size = 0; size <= 8; size++) expect(toHex(await mth(leaves.slice(0, size)))).toBe(ROOTS[size]);
  });
});

describe('verifyInclusion (RFC 9162 §2.1.3.2)', () => {
  it('accepts the reference inclusion proofs', async () => {
    for (const { index, size, path } of INCLUSION_PROOFS) {
      const leaf = await hashLeaf(leaves[index] as Uint8Array);
      expect(await verifyInclusion(index, size, leaf, path.map(hex), root(size))).toEqual({ ok: true });
    }
  });

  it('refuses a changed leaf, a changed, reordered, shortened or lengthened path, and a wrong index', async () => {
    const { index, size, path } = INCLUSION_PROOFS[2] as (typeof INCLUSION_PROOFS)[number];
    const leaf = await hashLeaf(leaves[index] as Uint8Array);
    const proof = path.map(hex);
    const flipped = proof.map((h, i) => (i === 1 ? h.map((b, j) => (j === 0 ? b ^ 1 : b)) : h));
    const check = (l: Uint8Array, p: Uint8Array[], i = index, s = size) =>
      verifyInclusion(i, s, l, p, root(8));
    expect(await check(await hashLeaf(leaves[4] as Uint8Array), proof)).toMatchObject({
      ok: false,
      malformed: false,
      detail: "the proof does not lead to the tree's root hash",
    });
    expect(await check(leaf, flipped)).toMatchObject({ ok: false, malformed: false });
    expect(await check(leaf, [...proof].reverse())).toMatchObject({ ok: false, malformed: false });
    expect(await check(leaf, proof.slice(1))).toEqual({
      ok: false,
      malformed: true,
      detail: 'the proof has 2 hashes where 3 are needed',
    });
    expect(await check(leaf, [...proof, proof[0] as Uint8Array])).toMatchObject({
      ok: false,
      malformed: true,
    });
    expect(await check(leaf, proof, 4)).toMatchObject({ ok: false, malformed: false });
    expect(await check(leaf, proof, 8)).toEqual({
      ok: false,
      malformed: true,
      detail: 'leaf index 8 is not inside a tree of size 8',
    });
  });
});

describe('verifyConsistency (RFC 9162 §2.1.4.2)', () => {
  it('accepts the reference consistency proofs', async () => {
    for (const { size1, size2, path } of CONSISTENCY_PROOFS)
      expect(await verifyConsistency(size1, size2, path.map(hex), root(size1), root(size2))).toEqual({
        ok: true,
      });
  });

  it('accepts growth from the empty tree, and a tree consistent with itself', async () => {
    expect(await verifyConsistency(0, 5, [], root(0), root(5))).toEqual({ ok: true });
    expect(await verifyConsistency(5, 5, [], root(5), root(5))).toEqual({ ok: true });
  });

  it('refuses a rewritten old tree, a changed proof, a shrunk tree and same-size forks', async () => {
    const proof = (CONSISTENCY_PROOFS[2] as { path: string[] }).path.map(hex);
    expect(await verifyConsistency(6, 8, proof, root(5), root(8))).toEqual({
      ok: false,
      malformed: false,
      detail: "the proof does not lead to the first tree's root hash",
    });
    expect(await verifyConsistency(6, 8, proof, root(6), root(7))).toMatchObject({
      detail: "the proof does not lead to the second tree's root hash",
    });
    expect(
      await verifyConsistency(6, 8, [proof[1], proof[0], proof[2]] as Uint8Array[], root(6), root(8)),
    ).toMatchObject({
      ok: false,
    });
    expect(await verifyConsistency(8, 6, proof, root(8), root(6))).toMatchObject({
      ok: false,
      malformed: true,
    });
    expect(await verifyConsistency(5, 5, [], root(5), root(6))).toEqual({
      ok: false,
      malformed: false,
      detail: 'two trees of the same size have different roots',
    });
    expect(await verifyConsistency(6, 8, proof.slice(0, 2), root(6), root(8))).toMatchObject({
      malformed: true,
    });
  });
});
