import { existsSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryTx } from '../platform/memory-tables.js';
import { type RangeQuery, ROWS, type StoreTx } from '../platform/view.js';
import { createGeneration, currentGeneration, promoteGeneration } from './generations.js';
import { noSpaceError, openCurrentStore, openStoreAt } from './store.js';

const roots: string[] = [];
const tempRoot = () => {
  const root = mkdtempSync(join(tmpdir(), 'tsunagi-projection-store-'));
  roots.push(root);
  return root;
};
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const VIEW = { name: 'p', version: 1 };

const fill = (tx: StoreTx) => {
  for (const k of ['a/1', 'a/2', 'a/3', 'a-b/1', 'b/1']) tx.put(ROWS, k, { k });
};
const queries: RangeQuery[] = [
  { prefix: 'a/' },
  { prefix: 'a/', reverse: true },
  { prefix: 'a/', reverse: true, limit: 2 },
  { prefix: 'a/', reverse: true, startAfter: 'a/3' },
  { prefix: 'a/', startAfter: 'a/1', limit: 1 },
  { prefix: '' },
];

describe('projection store (lmdb)', () => {
  it('answers range queries exactly like the in-memory tx the unit tests use', async () => {
    const { store } = openCurrentStore(tempRoot(), VIEW);
    const memory = memoryTx();
    store.transaction(fill);
    fill(memory);
    for (const query of queries) expect(store.read.range(ROWS, query)).toEqual(memory.range(ROWS, query));
    await store.close();
  });

  it('commits all writes of a transaction or none', async () => {
    const { store } = openCurrentStore(tempRoot(), VIEW);
    expect(() =>
      store.transaction((tx) => {
        tx.put(ROWS, 'x', 1);
        throw new Error('crash mid-batch');
      }),
    ).toThrow('crash mid-batch');
    expect(store.read.get(ROWS, 'x')).toBeUndefined();
    await store.close();
  });

  it('promotes a new generation atomically and a read-only reader sees its data', async () => {
    const root = tempRoot();
    const { store: live } = openCurrentStore(root, VIEW);
    const first = live.generation;
    const fresh = createGeneration(root, 'p');
    const replayed = openStoreAt(fresh, { version: 1 });
    replayed.transaction((tx) => tx.put(ROWS, 'k', 'replayed'));
    await replayed.close();
    promoteGeneration(root, 'p', fresh);
    expect(currentGeneration(root, 'p')).toBe(fresh);
    expect(readlinkSync(join(root, 'p', 'current'))).not.toContain('/');
    const reader = openStoreAt(fresh, { readOnly: true });
    expect(reader.read.get(ROWS, 'k')).toBe('replayed');
    await reader.close();
    await live.close();
    promoteGeneration(root, 'p', createGeneration(root, 'p'));
    expect(existsSync(first)).toBe(false); // two promotions later the first generation is gone
    expect(existsSync(fresh)).toBe(true);
  });

  it('rebuilds a view whose definition changed version from offset zero, in a fresh generation', async () => {
    const root = tempRoot();
    const { store: old, rebuilt: first } = openCurrentStore(root, VIEW);
    old.transaction((tx) => tx.put(ROWS, 'k', 'old shape'));
    await old.close();
    expect(first).toBe(false);
    const same = openCurrentStore(root, VIEW);
    expect([same.rebuilt, same.store.read.get(ROWS, 'k')]).toEqual([false, 'old shape']);
    await same.store.close();
    const next = openCurrentStore(root, { name: 'p', version: 2 });
    expect(next.rebuilt).toBe(true);
    expect(next.store.version).toBe(2);
    expect(next.store.read.get(ROWS, 'k')).toBeUndefined();
    expect(currentGeneration(root, 'p')).toBe(next.store.generation);
    await next.store.close();
  });

  it('given a non-durable replay generation, then every commit is on disk once it is closed', async () => {
    const fresh = createGeneration(tempRoot(), 'p');
    const replayed = openStoreAt(fresh, { durable: false });
    for (let batch = 0; batch < 50; batch++)
      replayed.transaction((tx) => tx.put(ROWS, `k${batch}`, { batch }));
    await replayed.close();
    const reader = openStoreAt(fresh, { readOnly: true });
    expect(reader.read.range(ROWS, { prefix: 'k' })).toHaveLength(50);
    expect(reader.read.get(ROWS, 'k49')).toEqual({ batch: 49 });
    await reader.close();
  });
});

describe('a write that finds no space', () => {
  const lmdbError = (code: number) => Object.assign(new Error('lmdb says no'), { code });

  it('is STORE_FULL, not retriable, naming the store and what to do', () => {
    for (const [code, name] of [
      [5, 'EIO'],
      [28, 'ENOSPC'],
      [27, 'EFBIG'],
      [-30792, 'MDB_MAP_FULL'],
    ] as const) {
      const error = noSpaceError(lmdbError(code), '/srv/views/information-items/gen-1');
      expect(error).toMatchObject({
        code: 'STORE_FULL',
        retriable: false,
        path: '/srv/views/information-items/gen-1',
      });
      expect(error?.message).toMatch(
        new RegExp(
          `^projection store /srv/views/information-items/gen-1 could not write a batch \\(${name}: .*Free space there and start the projector again`,
        ),
      );
    }
  });

  it('leaves every other error as it is', () => {
    expect(noSpaceError(lmdbError(2), '/g')).toBeUndefined();
    expect(noSpaceError(new Error('no code'), '/g')).toBeUndefined();
    expect(noSpaceError(undefined, '/g')).toBeUndefined();
  });
});
