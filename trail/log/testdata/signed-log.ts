import { leafHash } from '../hashing.js';
import { consistencyProof, inclusionProof, rootAt, tileNodeReader } from '../proofs.js';
import { createNoteSigner, generateSignerKey, type NoteSigner, signCheckpoint } from '../signer.js';
import type { ConsistencyProof, InclusionProof } from '../verifier/proof-json.js';
import { memoryTiles, testEntry } from './memory-tiles.js';

/**
 * A signed log for verification tests: entries `testEntry(i)` (or `entry(i)`), one signer, and the
 * checkpoints and proofs an honest log would hand out at any size.
 */
export function signedLog(
  size: number,
  options: { signer?: NoteSigner; entry?: (i: number) => Uint8Array } = {},
) {
  const entry = options.entry ?? testEntry;
  const keys = generateSignerKey('registry.example.jp/access-trail');
  const signer = options.signer ?? createNoteSigner(keys.signerKey);
  const log = memoryTiles();
  log.append(Array.from({ length: size }, (_, i) => leafHash(entry(i))));
  const read = tileNodeReader(log.readTile);
  return {
    signer,
    verifierKey: signer.verifierKey,
    entry,
    checkpoint: (at = size) => signCheckpoint(signer, { size: at, root: rootAt(at, read) }),
    inclusion: (index: number, at = size): InclusionProof => ({
      index,
      size: at,
      leafHash: leafHash(entry(index)),
      hashes: inclusionProof(index, at, read),
    }),
    consistency: (size1: number, size2 = size): ConsistencyProof => ({
      size1,
      size2,
      hashes: consistencyProof(size1, size2, read),
    }),
  };
}

/** The same log with entry `index` rewritten after the fact, signed with the same key: a fork. */
export const forkedLog = (honest: ReturnType<typeof signedLog>, size: number, index: number) =>
  signedLog(size, {
    signer: honest.signer,
    entry: (i) => (i === index ? new TextEncoder().encode('rewritten') : honest.entry(i)),
  });
