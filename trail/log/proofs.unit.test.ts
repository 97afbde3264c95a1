import { describe, expect, it } from 'vitest';
import { leafHash } from './hashing.js';
import { consistencyProof, inclusionProof, rootAt, tileNodeReader } from './proofs.js';
import { memoryTiles, referenceRoot, testLeaves } from './testdata/memory-tiles.js';
import { CONSISTENCY_PROOFS, INCLUSION_PROOFS, LEAF_INPUTS, ROOTS } from './testdata/rfc6962-vectors.js';
import { toHex } from './verifier/bytes.js';
import { verifyConsistency, verifyInclusion } from './verifier/merkle.js';

const vectorLog = () => {
  const log = memoryTiles();
  log.append(LEAF_INPUTS.map((input) => leafHash(Buffer.from(input, 'hex'))));
  return tileNodeReader(log.readTile);
};

describe('proofs from tiles', () => {
  it('produce the RFC 6962 reference inclusion and consistency proofs and roots', () => {
    const read = vectorLog();
    for (const { index, size, path } of INCLUSION_PROOFS)
      expect(inclusionProof(index, size, read).map(toHex)).toEqual(path);
    for (const { size1, size2, path } of CONSISTENCY_PROOFS)
      expect(consistencyProof(size1, size2, read).map(toHex)).toEqual(path);
    for (let size = 0; size <= 8; size++) expect(toHex(rootAt(size, read))).toBe(ROOTS[size]);
  });

  it('verify for every leaf and every pair of sizes of small trees', async () => {
    const leaves = testLeaves(0, 40);
    const log = memoryTiles();
    log.append(leaves);
    const read = tileNodeReader(log.readTile);
    const roots = Array.from({ length: 41 }, (_, size) => referenceRoot(leaves.slice(0, size)));
    for (let size = 1; size <= 40; size++) {
      expect(rootAt(size, read)).toEqual(roots[size]);
      for (let index = 0; index < size; index++) {
        const proof = inclusionProof(index, size, read);
        const root = roots[size] as Uint8Array;
        expect(await verifyInclusion(index, size, leaves[index] as Uint8Array, proof, root)).toEqual({
          ok: true,
        });
      }
      for (let size1 = 0; size1 <= size; size1++) {
        const proof = consistencyProof(size1, size, read);
        const [root1, root2] = [roots[size1], roots[size]] as [Uint8Array, Uint8Array];
        expect(await verifyConsistency(size1, size, proof, root1, root2)).toEqual({ ok: true });
      }
    }
  });

  it('verify across tile levels (70,000 entries, sizes that end mid-tile and on tile edges)', async () => {
    const leaves = testLeaves(0, 70_000);
    const log = memoryTiles();
    log.append(leaves);
    const read = tileNodeReader(log.readTile);
    const sizes = [256, 257, 65_536, 65_537, 69_999, 70_000];
    for (const size of sizes) {
      const root = rootAt(size, read);
      for (const index of [0, 255, size - 1, Math.floor(size / 3)]) {
        const proof = inclusionProof(index, size, read);
        expect(await verifyInclusion(index, size, leaves[index] as Uint8Array, proof, root)).toEqual({
          ok: true,
        });
      }
      for (const size1 of [1, 255, 256, 4_097, size - 1].filter((s) => s <= size)) {
        const proof = consistencyProof(size1, size, read);
        expect(await verifyConsistency(size1, size, proof, rootAt(size1, read), root)).toEqual({ ok: true });
      }
    }
    expect(rootAt(70_000, read)).toEqual(referenceRoot(leaves));
  }, 30_000);

  it('refuse indices outside the tree and sizes that shrink, with INPUT_INVALID', () => {
    const read = vectorLog();
    expect(() => inclusionProof(8, 8, read)).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID', message: 'index 8 is not inside a tree of size 8' }),
    );
    expect(() => consistencyProof(5, 4, read)).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID', message: 'no consistency proof from size 5 to 4' }),
    );
    expect(() => inclusionProof(3, 9, read)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});
