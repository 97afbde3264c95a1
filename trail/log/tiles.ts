import { TsunagiError } from '../../core/errors.js';
import type { NodeId } from './verifier/tree-math.js';

/**
 * Tiles in the C2SP tlog-tiles layout (https://c2sp.org/tlog-tiles): the tile at level L, index N
 * holds up to 256 consecutive hashes of tree level 8·L, so a proof at a million entries touches three
 * tile levels. We store each tile with its interior rows too (levels 8·L+1 … 8·L+7, 510 hashes for a
 * full tile): proofs then read nodes instead of re-hashing up to 255 hashes per tile, which keeps
 * them well under a millisecond. The C2SP tile itself is row 0, served as a prefix of what we store
 * (an older partial tile of width W is the first W hashes, as a checkpoint of that size needs).
 */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
const HASH = 32;

export interface TileId {
  level: number;
  index: number;
}

export const tileKey = (tile: TileId): string => `${tile.level}/${tile.index}`;

/** Where a tree node is stored: its tile, the row above the tile's bottom, the position in the row. */
export function tileOf(node: NodeId): { tile: TileId; row: number; position: number } {
  const level = Math.floor(node.level / TILE_HEIGHT);
  const row = node.level - level * TILE_HEIGHT;
  const perTile = 2 ** (TILE_HEIGHT - row);
  const index = Math.floor(node.index / perTile);
  return { tile: { level, index }, row, position: node.index - index * perTile };
}

/** The tile's width (row-0 hashes) in a tree of `size` leaves: 0 to 256. */
export function tileWidthAt(tile: TileId, size: number): number {
  const below = Math.floor(size / TILE_WIDTH ** tile.level) - tile.index * TILE_WIDTH;
  return Math.max(0, Math.min(TILE_WIDTH, below));
}

/** The C2SP path: `tile/<L>/<N>` with N in x-prefixed 3-digit groups, `.p/<W>` for a partial tile. */
export function tilePath(tile: TileId, width = TILE_WIDTH): string {
  const groups = [];
  let n = tile.index;
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  const index = groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
  return `tile/${tile.level}/${index}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

const rowLength = (width: number, row: number) => Math.floor(width / 2 ** row);
const storedLength = (width: number) => {
  let hashes = 0;
  for (let row = 0; row < TILE_HEIGHT; row++) hashes += rowLength(width, row);
  return hashes * HASH;
};
const WIDTH_BY_LENGTH = new Map(Array.from({ length: TILE_WIDTH }, (_, i) => [storedLength(i + 1), i + 1]));

/** Rows 0–7 of a tile, as hashes; row r has ⌊width / 2^r⌋ of them. */
export type TileRows = Uint8Array[][];

export function encodeTile(rows: TileRows): Uint8Array {
  const width = rows[0]?.length ?? 0;
  const out = new Uint8Array(storedLength(width));
  let at = 0;
  for (let row = 0; row < TILE_HEIGHT; row++) {
    const hashes = rows[row] ?? [];
    if (hashes.length !== rowLength(width, row))
      throw new TsunagiError('INTERNAL', `tile row ${row} has ${hashes.length} hashes for width ${width}`);
    for (const hash of hashes) {
      out.set(hash, at);
      at += HASH;
    }
  }
  return out;
}

export function decodeTile(bytes: Uint8Array): TileRows {
  const width = WIDTH_BY_LENGTH.get(bytes.length);
  if (width === undefined) throw new TsunagiError('INTERNAL', `a stored tile has ${bytes.length} bytes`);
  const rows: TileRows = [];
  let at = 0;
  for (let row = 0; row < TILE_HEIGHT; row++) {
    const hashes = [];
    for (let i = 0; i < rowLength(width, row); i++, at += HASH) hashes.push(bytes.subarray(at, at + HASH));
    rows.push(hashes);
  }
  return rows;
}

/** One hash of a stored tile without decoding the rest (proofs read a few hashes per tile). */
export function nodeInTile(bytes: Uint8Array, row: number, position: number): Uint8Array | undefined {
  const width = WIDTH_BY_LENGTH.get(bytes.length);
  if (width === undefined || position >= rowLength(width, row)) return undefined;
  let offset = position;
  for (let r = 0; r < row; r++) offset += rowLength(width, r);
  return bytes.subarray(offset * HASH, offset * HASH + HASH);
}

export const emptyTileRows = (): TileRows => Array.from({ length: TILE_HEIGHT }, () => []);

/** The C2SP tile content (row 0) of a stored tile, cut to `width` hashes. */
export function c2spTile(stored: Uint8Array, width: number): Uint8Array {
  const full = WIDTH_BY_LENGTH.get(stored.length) ?? 0;
  if (width < 1 || width > full) throw new TsunagiError('NOT_FOUND', `no tile of width ${width} is stored`);
  return stored.subarray(0, width * HASH);
}

export type TileRequest =
  | { kind: 'hashes'; tile: TileId; width: number }
  | { kind: 'entries'; index: number; width: number };

/**
 * The inverse of `tilePath`, for serving: `tile/<L>/<N>[.p/<W>]` (hashes) or `tile/entries/<N>[.p/<W>]`
 * (an entry bundle), N in x-prefixed 3-digit groups. Undefined for anything else, e.g. a leading
 * zero group, a width of 0 or 256, a level above 63.
 */
export function parseTilePath(path: string): TileRequest | undefined {
  const match =
    /^tile\/(entries|[0-9]|[1-5][0-9]|6[0-3])\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(
      path,
    );
  if (!match) return undefined;
  const [, level = '', groups = '', partial] = match;
  const digits = groups.replaceAll('x', '').replaceAll('/', '');
  if (digits.length > 15 || (digits.length > 3 && digits.startsWith('000'))) return undefined;
  const index = Number(digits);
  const width = partial === undefined ? TILE_WIDTH : Number(partial);
  if (partial !== undefined && width >= TILE_WIDTH) return undefined;
  return level === 'entries'
    ? { kind: 'entries', index, width }
    : { kind: 'hashes', tile: { level: Number(level), index }, width };
}
