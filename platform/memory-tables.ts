import type { RangeQuery, StoreTx } from './view.js';

/**
 * A StoreTx over plain maps: the tables of a view kept in memory (platform/memory-view.ts). Values are
 * copied on the way in and out, as the lmdb store (de)serialises them, so a test cannot pass by
 * mutating a shared object. Key order is string order, which for our ASCII keys is lmdb's order.
 */
export interface MemoryTx extends StoreTx {
  /** Every table's entries in key order, for comparisons. */
  dump(): Record<string, Array<[string, unknown]>>;
}

export function memoryTx(): MemoryTx {
  const tables = new Map<string, Map<string, unknown>>();
  const table = (name: string) => {
    let found = tables.get(name);
    if (!found) {
      found = new Map();
      tables.set(name, found);
    }
    return found;
  };
  const sortedKeys = (name: string) => [...table(name).keys()].sort();
  return {
    get: <T>(name: string, k: string) => {
      const value = table(name).get(k);
      return value === undefined ? undefined : (structuredClone(value) as T);
    },
    put: (name, k, value) => {
      table(name).set(k, structuredClone(value));
    },
    remove: (name, k) => {
      table(name).delete(k);
    },
    range: <T>(name: string, query: RangeQuery) => {
      const keys = sortedKeys(name).filter((k) => k.startsWith(query.prefix));
      if (query.reverse) keys.reverse();
      const { startAfter } = query;
      const beyond =
        startAfter === undefined
          ? keys
          : keys.filter((k) => (query.reverse ? k < startAfter : k > startAfter));
      return beyond
        .slice(0, query.limit ?? beyond.length)
        .map((k) => ({ key: k, value: structuredClone(table(name).get(k)) as T }));
    },
    dump: () =>
      Object.fromEntries(
        [...tables.keys()]
          .sort()
          .filter((name) => table(name).size > 0)
          .map((name) => [name, sortedKeys(name).map((k) => [k, table(name).get(k)] as [string, unknown])]),
      ),
  };
}
