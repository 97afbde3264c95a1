import { type Database, open, type RootDatabase } from 'lmdb';
import { TsunagiError } from '../../core/errors.js';
import { EMPTY_ROOT } from './hashing.js';
import type { Integration, TileReader } from './integrate.js';
import { type TileId, tileKey } from './tiles.js';
import { fromBase64, toBase64 } from './verifier/bytes.js';

/** The tree as integrated: it covers the trail's entries [0, size). */
export interface IntegratedState {
  size: number;
  root: Uint8Array;
}

/** The last checkpoint the log signed and published, as its signed-note text. */
export interface PublishedCheckpoint {
  size: number;
  note: string;
}

/**
 * The Merkle log's lmdb environment: tiles (key `L/N`, value `encodeTile` bytes) and the integrated
 * state. One process writes (the follower); others (the gateway) may open it `readOnly` on the same
 * host. Guarantee: an integration's tiles and its new state commit in one transaction, so after a
 * crash the state and the tiles always agree, and integration resumes from the stored size.
 */
export interface TrailLogStore {
  integrated(): IntegratedState;
  /** A copy of a stored tile. */
  readTile: TileReader;
  /** A stored tile without copying: valid only until the next read (for proofs on the hot path). */
  lendTile: TileReader;
  /**
   * Commits one integration made from `fromSize` and, when given, its entries (the public entry
   * bytes of indices fromSize, fromSize+1, …); refuses when the stored size moved meanwhile.
   */
  commit(fromSize: number, integration: Integration, entries?: readonly Uint8Array[]): void;
  /** The public entry bytes at `index`, when integrated with its entry (a copy). */
  entry(index: number): Uint8Array | undefined;
  latestCheckpoint(): PublishedCheckpoint | undefined;
  saveCheckpoint(checkpoint: PublishedCheckpoint): void;
  close(): Promise<void>;
}

interface StoredState {
  size: number;
  root: string;
}

export function openTrailLogStore(path: string, options: { readOnly?: boolean } = {}): TrailLogStore {
  let root: RootDatabase;
  try {
    root = open({ path, maxDbs: 5, readOnly: options.readOnly ?? false });
  } catch (cause) {
    throw new TsunagiError('STORE_UNAVAILABLE', 'the trail log store could not be opened', { cause, path });
  }
  const tiles: Database<Uint8Array, string> = root.openDB({ name: 'tiles', encoding: 'binary' });
  const state: Database<unknown, string> = root.openDB({ name: 'state', encoding: 'json' });
  // Keyed by index (lmdb orders number keys numerically), so a range read gives an entry bundle.
  const entries: Database<Uint8Array, number> = root.openDB({ name: 'entries', encoding: 'binary' });

  const integrated = (): IntegratedState => {
    const stored = state.get('integrated') as StoredState | undefined;
    if (!stored) return { size: 0, root: EMPTY_ROOT };
    return { size: stored.size, root: fromBase64(stored.root) as Uint8Array };
  };
  // Plain Uint8Array views, so that slice() copies as it does for every other Uint8Array.
  const view = (bytes: Buffer | Uint8Array | undefined) =>
    bytes === undefined ? undefined : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const readTile = (tile: TileId) => view(tiles.get(tileKey(tile)));
  return {
    integrated,
    readTile,
    lendTile: (tile) => view(tiles.getBinaryFast(tileKey(tile))),
    entry: (index) => view(entries.get(index))?.slice(),
    commit(fromSize, integration, added = []) {
      root.transactionSync(() => {
        const current = integrated().size;
        if (current !== fromSize)
          throw new TsunagiError(
            'INTERNAL',
            `integration from size ${fromSize} lost a race: the log is at ${current} (two writers?)`,
          );
        for (const { tile, bytes } of integration.tiles) tiles.putSync(tileKey(tile), bytes);
        for (const [i, bytes] of added.entries()) entries.putSync(fromSize + i, bytes);
        const next: StoredState = { size: integration.size, root: toBase64(integration.root) };
        state.putSync('integrated', next);
      });
    },
    latestCheckpoint: () => state.get('checkpoint') as PublishedCheckpoint | undefined,
    saveCheckpoint: (checkpoint) => void state.putSync('checkpoint', checkpoint),
    close: () => root.close(),
  };
}
