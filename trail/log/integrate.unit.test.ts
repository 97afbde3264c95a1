import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafHash } from './hashing.js';
import { integrate } from './integrate.js';
import { memoryTiles, referenceRoot, testLeaves } from './testdata/memory-tiles.js';
import { LEAF_INPUTS, ROOTS } from './testdata/rfc6962-vectors.js';
import { c2spTile, parseTilePath, tileKey, tilePath, tileWidthAt } from './tiles.js';
import { toHex } from './verifier/bytes.js';

const fingerprint = (tiles: Map<string, Uint8Array>) =>
  [...tiles].map(([key, bytes]) => `${key}:${createHash('sha256').update(bytes).digest('hex')}`).sort();

describe('integrate', () => {
  it('reaches the RFC 6962 reference root at every size, one leaf at a time', () => {
    const log = memoryTiles();
    expect(toHex(integrate(log.readTile, 0, []).root)).toBe(ROOTS[0]);
    for (const [i, input] of LEAF_INPUTS.entries()) {
      const result = log.append([leafHash(Buffer.from(input, 'hex'))]);
      expect(result.size).toBe(i + 1);
      expect(toHex(result.root)).toBe(ROOTS[i + 1]);
    }
  });

  it('gives the same root and the same tiles however the leaves are batched', () => {
    const leaves = testLeaves(0, 600);
    const whole = memoryTiles();
    whole.append(leaves);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 12 }), (cuts) => {
        const log = memoryTiles();
        let at = 0;
        for (const cut of [...cuts, leaves.length]) {
          const next = Math.min(leaves.length, at + cut);
          const result = log.append(leaves.slice(at, next));
          expect(toHex(result.root)).toBe(toHex(referenceRoot(leaves.slice(0, next))));
          at = next;
          if (at === leaves.length) break;
        }
        expect(fingerprint(log.tiles)).toEqual(fingerprint(whole.tiles));
      }),
      { numRuns: 15 },
    );
  }, 30_000);

  it('writes only the right edge: the tiles a batch changed', () => {
    const log = memoryTiles();
    const changed = (from: number, to: number) =>
      log
        .append(testLeaves(from, to))
        .tiles.map((t) => tileKey(t.tile))
        .sort();
    expect(changed(0, 1000)).toEqual(['0/0', '0/1', '0/2', '0/3', '1/0']);
    expect(changed(1000, 1001)).toEqual(['0/3']);
    expect(changed(1001, 1024)).toEqual(['0/3', '1/0']);
    expect(changed(1024, 1025)).toEqual(['0/4']);
  });

  it('lays tiles out as C2SP tlog-tiles does (its example tree of 70,000 entries)', () => {
    const leaves = testLeaves(0, 70_000);
    const log = memoryTiles();
    const result = log.append(leaves);
    expect(result.root).toEqual(referenceRoot(leaves));
    const widths = [...log.tiles.keys()].map((key) => {
      const [level, index] = key.split('/').map(Number) as [number, number];
      return tileWidthAt({ level, index }, 70_000);
    });
    expect(widths.filter((w) => w === 256)).toHaveLength(274);
    expect(tileWidthAt({ level: 0, index: 273 }, 70_000)).toBe(112);
    expect(tileWidthAt({ level: 1, index: 1 }, 70_000)).toBe(17);
    expect(tileWidthAt({ level: 2, index: 0 }, 70_000)).toBe(1);
    expect(log.tiles.size).toBe(274 + 3);
    // Row 0 of a stored tile is the C2SP tile: level-0 hashes are the leaf hashes.
    const stored = log.tiles.get('0/273') as Uint8Array;
    expect(c2spTile(stored, 112)).toEqual(new Uint8Array(Buffer.concat(leaves.slice(273 * 256))));
    expect(c2spTile(stored, 3)).toEqual(
      new Uint8Array(Buffer.concat(leaves.slice(273 * 256, 273 * 256 + 3))),
    );
    // A level-1 hash is the root of a full level-0 tile.
    const level1 = log.tiles.get('1/0') as Uint8Array;
    expect(c2spTile(level1, 1)).toEqual(referenceRoot(leaves.slice(0, 256)));
  }, 30_000);

  it('names tiles by C2SP paths', () => {
    expect(tilePath({ level: 0, index: 1_234_067 })).toBe('tile/0/x001/x234/067');
    expect(tilePath({ level: 1, index: 1 }, 17)).toBe('tile/1/001.p/17');
    expect(tilePath({ level: 2, index: 0 }, 1)).toBe('tile/2/000.p/1');
    expect(tilePath({ level: 0, index: 1000 })).toBe('tile/0/x001/000');
  });

  it('reads C2SP paths back, refusing non-canonical ones', () => {
    for (const [tile, width] of [
      [{ level: 0, index: 1_234_067 }, 256],
      [{ level: 1, index: 1 }, 17],
      [{ level: 2, index: 0 }, 1],
      [{ level: 0, index: 1000 }, 255],
    ] as const)
      expect(parseTilePath(tilePath(tile, width))).toEqual({ kind: 'hashes', tile, width });
    expect(parseTilePath('tile/entries/x001/002.p/3')).toEqual({ kind: 'entries', index: 1002, width: 3 });
    expect(parseTilePath('tile/entries/000')).toEqual({ kind: 'entries', index: 0, width: 256 });
    for (const bad of [
      'tile/0/1',
      'tile/0/x000/001',
      'tile/0/001.p/0',
      'tile/0/001.p/256',
      'tile/0/001.p/017',
      'tile/64/000',
      'tile/0/001/',
      'tile/0/../001',
      'tile/0/x001',
    ])
      expect(parseTilePath(bad)).toBeUndefined();
  });
});
