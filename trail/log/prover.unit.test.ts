import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.js';
import { followTrail } from './follower.js';
import { createTrailLogProver } from './prover.js';
import { openTrailLogStore, type TrailLogStore } from './store.js';
import { referenceRoot, testEntry, testLeaves } from './testdata/memory-tiles.js';
import { verifyConsistency, verifyInclusion } from './verifier/merkle.js';

const SIZE = 5_000;
let dir: string;
let store: TrailLogStore;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsunagi-prover-'));
  store = openTrailLogStore(dir);
  async function* entries() {
    for (let index = 0; index < SIZE; index++) yield { index, entry: testEntry(index) };
  }
  await followTrail(entries(), { store, logger: createLogger({ level: 'silent' }), batchSize: 700 });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the prover over the lmdb store (zero-copy tile reads)', () => {
  it('gives proofs that verify, many in a row (each read overwrites the lent buffer)', async () => {
    const prover = createTrailLogProver(store);
    const leaves = testLeaves(0, SIZE);
    const root = referenceRoot(leaves);
    const proofs = [0, 1, 255, 256, 2_047, 4_095, 4_096, 4_999].map((index) => prover.inclusion(index));
    for (const proof of proofs) {
      expect(proof.leafHash).toEqual(leaves[proof.index]);
      expect(await verifyInclusion(proof.index, SIZE, proof.leafHash, proof.hashes, root)).toEqual({
        ok: true,
      });
    }
    const older = [1, 256, 1_000, 4_096, 4_999].map((size1) => prover.consistency(size1));
    for (const proof of older) {
      const root1 = referenceRoot(leaves.slice(0, proof.size1));
      expect(prover.rootAt(proof.size1)).toEqual(root1);
      expect(await verifyConsistency(proof.size1, SIZE, proof.hashes, root1, root)).toEqual({ ok: true });
    }
  });

  it('refuses sizes the log has not integrated with NOT_FOUND', () => {
    const prover = createTrailLogProver(store);
    expect(() => prover.inclusion(3, SIZE + 1)).toThrow(
      expect.objectContaining({
        code: 'NOT_FOUND',
        message: `the log has integrated ${SIZE} entries, not ${SIZE + 1}`,
        path: 'size',
      }),
    );
    expect(() => prover.consistency(10, SIZE + 5)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', path: 'size2' }),
    );
    expect(() => prover.inclusion(SIZE)).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID', path: 'index' }),
    );
    expect(() => prover.consistency(-1)).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID', path: 'size1' }),
    );
  });
});
