import { existsSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGeneration, currentGeneration, promoteGeneration } from './generations.js';
import { memoryTx } from './memory-tx.js';
import type { RangeQuery, StoreTx } from './projection.js';
import { openCurrentStore, openStoreAt } from './store.js';

const roots: string[] = [];
const tempRoot = () => {
  const root = mkdtempSync(join(tmpdir(), 'tsunagi-projection-store-'));
  roots.push(root);
  return root;
};
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const fill = (tx: StoreTx) => {
  for (const k of ['a/1', 'a/2', 'a/3', 'a-b/1', 'b/1']) tx.put('t', k, { k });
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
    const store = openCurrentStore(tempRoot(), 'p', ['t']);
    const memory = memoryTx();
    store.transaction(fill);
    fill(memory);
    for (const query of queries) expect(store.read.range('t', query)).toEqual(memory.range('t', query));
    await store.close();
  });

  it('commits all writes of a transaction or none', async () => {
    const store = openCurrentStore(tempRoot(), 'p', ['t']);
    expect(() =>
      store.transaction((tx) => {
        tx.put('t', 'x', 1);
        throw new Error('crash mid-batch');
      }),
    ).toThrow('crash mid-batch');
    expect(store.read.get('t', 'x')).toBeUndefined();
    await store.close();
  });

  it('promotes a new generation atomically and a read-only reader sees its data', async () => {
    const root = tempRoot();
    const live = openCurrentStore(root, 'p', ['t']);
    const first = live.generation;
    const fresh = createGeneration(root, 'p');
    const replayed = openStoreAt(fresh, { tables: ['t'] });
    replayed.transaction((tx) => tx.put('t', 'k', 'replayed'));
    await replayed.close();
    promoteGeneration(root, 'p', fresh);
    expect(currentGeneration(root, 'p')).toBe(fresh);
    expect(readlinkSync(join(root, 'p', 'current'))).not.toContain('/');
    const reader = openStoreAt(fresh, { tables: ['t'], readOnly: true });
    expect(reader.read.get('t', 'k')).toBe('replayed');
    await reader.close();
    await live.close();
    promoteGeneration(root, 'p', createGeneration(root, 'p'));
    expect(existsSync(first)).toBe(false); // two promotions later the first generation is gone
    expect(existsSync(fresh)).toBe(true);
  });

  it('given a non-durable replay generation, then every commit is on disk once it is closed', async () => {
    const fresh = createGeneration(tempRoot(), 'p');
    const replayed = openStoreAt(fresh, { tables: ['t'], durable: false });
    for (let batch = 0; batch < 50; batch++)
      replayed.transaction((tx) => tx.put('t', `k${batch}`, { batch }));
    await replayed.close();
    const reader = openStoreAt(fresh, { tables: ['t'], readOnly: true });
    expect(reader.read.range('t', { prefix: 'k' })).toHaveLength(50);
    expect(reader.read.get('t', 'k49')).toEqual({ batch: 49 });
    await reader.close();
  });
});
