import { TsunagiError } from '../../core/errors.js';
import { foldRight } from './hashing.js';
import { nodeInTile, type TileId, tileOf } from './tiles.js';
import {
  consistencyRanges,
  inclusionRanges,
  type LeafRange,
  type NodeId,
  perfectSubtrees,
} from './verifier/tree-math.js';

/** Reads perfect-subtree hashes, in the order asked. */
export type NodeReader = (nodes: readonly NodeId[]) => Uint8Array[];

/**
 * Proofs as pure functions over a node reader (RFC 9162 §2.1.3.1 and §2.1.4.1). Each proof hash is
 * the right fold of at most log₂(n) perfect subtrees, so a proof reads O(log n) nodes; with tiles
 * those come from at most two tiles per tile level.
 */
function rangeHashes(ranges: readonly LeafRange[], readNodes: NodeReader): Uint8Array[] {
  const parts = ranges.map(perfectSubtrees);
  const hashes = readNodes(parts.flat());
  let at = 0;
  return parts.map((nodes) => {
    at += nodes.length;
    return foldRight(hashes.slice(at - nodes.length, at));
  });
}

const isIndex = (n: number) => Number.isSafeInteger(n) && n >= 0;

/** MTH of the first `size` leaves. */
export const rootAt = (size: number, readNodes: NodeReader): Uint8Array =>
  rangeHashes([{ begin: 0, end: size }], readNodes)[0] as Uint8Array;

export function inclusionProof(index: number, size: number, readNodes: NodeReader): Uint8Array[] {
  if (!isIndex(index) || !isIndex(size) || index >= size)
    throw new TsunagiError('INPUT_INVALID', `index ${index} is not inside a tree of size ${size}`, {
      path: 'index',
    });
  return rangeHashes(inclusionRanges(index, size), readNodes);
}

export function consistencyProof(size1: number, size2: number, readNodes: NodeReader): Uint8Array[] {
  if (!isIndex(size1) || !isIndex(size2) || size1 > size2)
    throw new TsunagiError('INPUT_INVALID', `no consistency proof from size ${size1} to ${size2}`, {
      path: 'size1',
    });
  if (size1 === 0 || size1 === size2) return [];
  return rangeHashes(consistencyRanges(size1, size2), readNodes);
}

/**
 * A node reader over stored tiles: each tile is read once per call and the hashes are copied out at
 * once, so `readTile` may lend a buffer that its next call overwrites (lmdb's zero-copy reads).
 */
export function tileNodeReader(readTile: (tile: TileId) => Uint8Array | undefined): NodeReader {
  return (nodes) => {
    const located = nodes.map((node, i) => ({ node, i, at: tileOf(node) }));
    located.sort((a, b) => a.at.tile.level - b.at.tile.level || a.at.tile.index - b.at.tile.index);
    const hashes: Uint8Array[] = new Array(nodes.length);
    let tile: TileId | undefined;
    let stored: Uint8Array | undefined;
    for (const { node, i, at } of located) {
      if (tile?.level !== at.tile.level || tile.index !== at.tile.index) {
        tile = at.tile;
        stored = readTile(tile);
      }
      const hash = stored && nodeInTile(stored, at.row, at.position);
      if (!hash) throw new TsunagiError('INTERNAL', `the tree lacks node ${node.level}/${node.index}`);
      // new Uint8Array(x) always copies (Buffer#slice would not).
      hashes[i] = new Uint8Array(hash);
    }
    return hashes;
  };
}
