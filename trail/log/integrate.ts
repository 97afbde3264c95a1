import { TsunagiError } from '../../core/errors.js';
import { EMPTY_ROOT, foldRight, nodeHash } from './hashing.js';
import {
  decodeTile,
  emptyTileRows,
  encodeTile,
  type TileId,
  type TileRows,
  tileKey,
  tileOf,
} from './tiles.js';
import { HASH_SIZE } from './verifier/merkle.js';
import { type NodeId, perfectSubtrees } from './verifier/tree-math.js';

/** Reads a stored tile (`encodeTile` bytes), or undefined when it does not exist yet. */
export type TileReader = (tile: TileId) => Uint8Array | undefined;

/** What one integration step produces: the caller writes `tiles` and the new state together. */
export interface Integration {
  size: number;
  root: Uint8Array;
  tiles: Array<{ tile: TileId; bytes: Uint8Array }>;
}

/**
 * Integrates sequenced leaves into the tree, in the manner of tessera's integration step: pure (no
 * I/O, reads through `readTile`), returning every tile it changed. Only the right edge is read: the
 * compact range of the tree at `fromSize` (one perfect subtree per 1-bit of the size) lives in the
 * rightmost tile of each level. Guarantee: the same `fromSize` and leaves give the same bytes, so a
 * step repeated after a crash before its commit writes exactly what it would have written.
 */
export function integrate(
  readTile: TileReader,
  fromSize: number,
  leafHashes: readonly Uint8Array[],
): Integration {
  if (!Number.isSafeInteger(fromSize) || fromSize < 0)
    throw new TsunagiError('INTERNAL', `cannot integrate from size ${fromSize}`);
  const open = new Map<string, { tile: TileId; rows: TileRows; dirty: boolean }>();
  const tileRows = (tile: TileId) => {
    const key = tileKey(tile);
    let found = open.get(key);
    if (!found) {
      const stored = readTile(tile);
      found = {
        tile,
        rows: stored ? decodeTile(stored).map((row) => [...row]) : emptyTileRows(),
        dirty: false,
      };
      open.set(key, found);
    }
    return found;
  };
  const read = (node: NodeId): Uint8Array => {
    const at = tileOf(node);
    const hash = tileRows(at.tile).rows[at.row]?.[at.position];
    if (!hash)
      throw new TsunagiError(
        'INTERNAL',
        `the tree lacks node ${node.level}/${node.index} of size ${fromSize}`,
      );
    return hash;
  };
  const write = (node: NodeId, hash: Uint8Array) => {
    const at = tileOf(node);
    const entry = tileRows(at.tile);
    const row = entry.rows[at.row] as Uint8Array[];
    if (row.length !== at.position)
      throw new TsunagiError('INTERNAL', `node ${node.level}/${node.index} is not the next in its tile`);
    row.push(hash);
    entry.dirty = true;
  };

  const range = perfectSubtrees({ begin: 0, end: fromSize }).map(read);
  let size = fromSize;
  for (const leaf of leafHashes) {
    if (leaf.length !== HASH_SIZE)
      throw new TsunagiError('INTERNAL', `leaf ${size} is not a ${HASH_SIZE}-byte hash`);
    let node = { level: 0, index: size };
    let hash = leaf;
    write(node, hash);
    // Each odd index completes a subtree with its left neighbour, the last node of the range.
    while (node.index % 2 === 1) {
      hash = nodeHash(range.pop() as Uint8Array, hash);
      node = { level: node.level + 1, index: (node.index - 1) / 2 };
      write(node, hash);
    }
    range.push(hash);
    size += 1;
  }
  const tiles = [...open.values()]
    .filter((t) => t.dirty)
    .map((t) => ({ tile: t.tile, bytes: encodeTile(t.rows) }));
  return { size, root: range.length === 0 ? EMPTY_ROOT : foldRight(range), tiles };
}
