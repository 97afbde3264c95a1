import { createHash } from 'node:crypto';
import { leafHash, nodeHash } from '../hashing.js';
import { type Integration, integrate } from '../integrate.js';
import { type TileId, tileKey } from '../tiles.js';

/** An in-memory tile map for unit tests: the same integrate/commit cycle as the lmdb store. */
export function memoryTiles() {
  const tiles = new Map<string, Uint8Array>();
  let size = 0;
  const readTile = (tile: TileId) => tiles.get(tileKey(tile));
  return {
    tiles,
    readTile,
    get size() {
      return size;
    },
    append(leafHashes: readonly Uint8Array[]): Integration {
      const result = integrate(readTile, size, leafHashes);
      for (const { tile, bytes } of result.tiles) tiles.set(tileKey(tile), bytes);
      size = result.size;
      return result;
    },
  };
}

/** Deterministic test entries: entry i is the 8-byte big-endian i, prefixed. */
export const testEntry = (i: number): Uint8Array => {
  const bytes = new Uint8Array(12);
  bytes.set([0x74, 0x72, 0x6c, 0x3a]);
  new DataView(bytes.buffer).setBigUint64(4, BigInt(i));
  return bytes;
};
export const testLeaves = (from: number, to: number): Uint8Array[] =>
  Array.from({ length: to - from }, (_, i) => leafHash(testEntry(from + i)));

/** MTH by RFC 9162's recursive definition over leaf hashes: the reference for the tiled tree. */
export function referenceRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return new Uint8Array(createHash('sha256').digest());
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}
