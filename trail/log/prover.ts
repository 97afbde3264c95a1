import { TsunagiError } from '../../core/errors.js';
import { consistencyProof, inclusionProof, rootAt, tileNodeReader } from './proofs.js';
import type { TrailLogStore } from './store.js';
import type { ConsistencyProof, InclusionProof } from './verifier/proof-json.js';

/**
 * Proofs against the integrated tree, for the gateway's proof API and the operator CLI. A proof is
 * for a tree size a checkpoint was signed at (by default the latest integrated size); sizes beyond
 * what is integrated are refused with NOT_FOUND, since no checkpoint can exist for them yet.
 */
export interface TrailLogProver {
  inclusion(index: number, size?: number): InclusionProof;
  consistency(size1: number, size2?: number): ConsistencyProof;
  /** The root hash at any integrated size (to check an old checkpoint against the tree). */
  rootAt(size: number): Uint8Array;
}

export function createTrailLogProver(store: TrailLogStore): TrailLogProver {
  const read = () => tileNodeReader(store.lendTile);
  const integratedSize = (size: number | undefined, path: string) => {
    const integrated = store.integrated().size;
    const wanted = size ?? integrated;
    if (!Number.isSafeInteger(wanted) || wanted < 0)
      throw new TsunagiError('INPUT_INVALID', `${path} must be a non-negative integer`, { path });
    if (wanted > integrated)
      throw new TsunagiError('NOT_FOUND', `the log has integrated ${integrated} entries, not ${wanted}`, {
        path,
      });
    return wanted;
  };
  return {
    inclusion(index, size) {
      const treeSize = integratedSize(size, 'size');
      const reader = read();
      const hashes = inclusionProof(index, treeSize, reader);
      const [leafHash] = reader([{ level: 0, index }]) as [Uint8Array];
      return { index, size: treeSize, leafHash, hashes };
    },
    consistency(size1, size2) {
      const to = integratedSize(size2, 'size2');
      const from = integratedSize(size1, 'size1');
      return { size1: from, size2: to, hashes: consistencyProof(from, to, read()) };
    },
    rootAt: (size) => rootAt(integratedSize(size, 'size'), read()),
  };
}
