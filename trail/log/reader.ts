import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TsunagiError } from '../../core/errors.js';
import { createTrailLogProver, type TrailLogProver } from './prover.js';
import { openTrailLogStore, type PublishedCheckpoint, type TrailLogStore } from './store.js';
import { c2spTile, TILE_WIDTH, type TileId, tileWidthAt } from './tiles.js';

/**
 * The Merkle log as its readers see it (the gateway's proof APIs, the resident history): the last
 * published checkpoint, proofs, entries, and the C2SP tlog-tiles resources, over the trail-log
 * service's own lmdb store opened read-only. Read-only lmdb readers on the same host see each of the
 * writer's commits whole, so a proof and the checkpoint it is checked against always agree.
 */
export interface TrailLogReader {
  /** The last checkpoint the log published; undefined before the first. */
  checkpoint(): PublishedCheckpoint | undefined;
  prover(): TrailLogProver;
  /** The public entry bytes at `index`, once integrated. */
  entry(index: number): Uint8Array | undefined;
  /** The C2SP tile `tile` at `width` hashes (256 for a full tile); NOT_FOUND when the tree has fewer. */
  tile(tile: TileId, width: number): Uint8Array;
  /** The C2SP entry bundle `index` at `width` entries, each prefixed by its big-endian uint16 length. */
  entryBundle(index: number, width: number): Uint8Array;
  close(): Promise<void>;
}

/**
 * Opens the store read-only at the first read, so a gateway may start before the trail-log service
 * made its store: until then every read answers STORE_UNAVAILABLE (503, retriable). Pass `store`
 * instead when the reader lives in the writer's process (lmdb allows one environment per path).
 */
export function openTrailLogReader(options: { storeDir: string } | { store: TrailLogStore }): TrailLogReader {
  let store = 'store' in options ? options.store : undefined;
  const opened = (): TrailLogStore => {
    if (store) return store;
    const dir = (options as { storeDir: string }).storeDir;
    if (!existsSync(join(dir, 'data.mdb')))
      throw new TsunagiError(
        'STORE_UNAVAILABLE',
        'the trail log has no store yet (is the trail-log service running?)',
      );
    store = openTrailLogStore(dir, { readOnly: true });
    return store;
  };
  const notFound = (what: string) =>
    new TsunagiError('NOT_FOUND', `${what} is not in the log yet`, { path: 'url' });
  return {
    checkpoint: () => opened().latestCheckpoint(),
    prover: () => createTrailLogProver(opened()),
    entry: (index) => opened().entry(index),
    tile(tile, width) {
      const current = opened();
      if (tileWidthAt(tile, current.integrated().size) < width)
        throw notFound(`tile ${tile.level}/${tile.index}`);
      const stored = current.readTile(tile);
      if (!stored) throw notFound(`tile ${tile.level}/${tile.index}`);
      return c2spTile(stored, width);
    },
    entryBundle(index, width) {
      const current = opened();
      const parts: Uint8Array[] = [];
      for (let i = index * TILE_WIDTH; i < index * TILE_WIDTH + width; i++) {
        const entry = current.entry(i);
        if (!entry) throw notFound(`entry bundle ${index}`);
        const length = new Uint8Array(2);
        new DataView(length.buffer).setUint16(0, entry.length);
        parts.push(length, entry);
      }
      return Buffer.concat(parts);
    },
    close: async () => {
      if (store && 'storeDir' in options) await store.close();
    },
  };
}
