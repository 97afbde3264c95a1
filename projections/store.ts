import { type Database, open, type RootDatabase } from 'lmdb';
import { TsunagiError } from '../core/errors.js';
import { OFFSETS, type RangeQuery, type StoreTx, VIEW_TABLES } from '../platform/view.js';
import { createGeneration, currentGeneration, promoteGeneration } from './generations.js';

/** The view definition's version the rows were written with (`version` → number). */
const META = 'meta';

/**
 * One view's lmdb environment (one generation): its rows and the runner's tables (platform/view.ts).
 * lmdb allows one writer process and any number of reader processes on the same host; readers open
 * it with `readOnly`.
 */
export interface ProjectionStore {
  readonly generation: string;
  /** The view definition's version its rows were written with; undefined for a store made before versions. */
  readonly version: number | undefined;
  /** Runs `work` in one synchronous write transaction: all its writes commit together or not at all. */
  transaction<T>(work: (tx: StoreTx) => T): T;
  /** Reads outside a write transaction (a consistent snapshot per call). */
  readonly read: Pick<StoreTx, 'get' | 'range'>;
  /** Next offset to consume per `topic/partition`, as committed with the state. */
  offsets(): Map<string, string>;
  /** Every table's entries in key order, for replay-equals-live comparisons. */
  dump(): Record<string, Array<[string, unknown]>>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  readOnly?: boolean;
  /** A new (empty) store records it as the version of the rows it will hold. */
  version?: number;
  /**
   * false: commits are not flushed to disk one by one, only once at `close` (fsync of the whole
   * environment). For a replay generation, which nobody reads before it is closed and promoted: a
   * crash before that leaves an unpromoted generation that is never used. Default true.
   */
  durable?: boolean;
}

export function openStoreAt(generation: string, options: OpenStoreOptions = {}): ProjectionStore {
  const names = [...VIEW_TABLES, META];
  let root: RootDatabase;
  try {
    root = open({
      path: generation,
      maxDbs: names.length + 2,
      readOnly: options.readOnly ?? false,
      noSync: options.durable === false,
    });
  } catch (cause) {
    throw new TsunagiError('STORE_UNAVAILABLE', 'a projection store could not be opened', {
      cause,
      path: generation,
    });
  }
  const dbs = new Map<string, Database<unknown, string>>(
    names.map((name) => [name, root.openDB<unknown, string>({ name })]),
  );
  const db = (name: string) => {
    const found = dbs.get(name);
    if (!found) throw new TsunagiError('INTERNAL', `projection store has no table ${name}`);
    return found;
  };
  const get = <T>(table: string, key: string) => db(table).get(key) as T | undefined;
  const range = <T>(table: string, query: RangeQuery) => rangeOf<T>(db(table), query);
  const tx: StoreTx = {
    get,
    range,
    put: (table, key, value) => void db(table).putSync(key, value),
    remove: (table, key) => void db(table).removeSync(key),
  };
  if (options.version !== undefined && !options.readOnly && get(META, 'version') === undefined)
    dbs.get(META)?.putSync('version', options.version);
  return {
    generation,
    get version() {
      return get<number>(META, 'version');
    },
    transaction: (work) => {
      try {
        return root.transactionSync(() => work(tx));
      } catch (error) {
        throw noSpaceError(error, generation) ?? error;
      }
    },
    read: { get, range },
    offsets: () => new Map(rangeOf<string>(db(OFFSETS), { prefix: '' }).map((e) => [e.key, e.value])),
    dump: () =>
      Object.fromEntries(
        names.map((name) => [name, rangeOf(db(name), { prefix: '' }).map((e) => [e.key, e.value])]),
      ),
    close: async () => {
      if (options.durable === false) await syncToDisk(root);
      await root.close();
    },
  };
}

/**
 * What lmdb reports when a write finds no space: a short write is EIO (a full disk and a file-size
 * limit both end so; measured with lmdb 3.5 on tmpfs and under RLIMIT_FSIZE), or the errno itself;
 * MDB_MAP_FULL when the map cannot grow.
 */
const NO_SPACE = new Map<number, string>([
  [5, 'EIO'],
  [27, 'EFBIG'],
  [28, 'ENOSPC'],
  [122, 'EDQUOT'],
  [-30792, 'MDB_MAP_FULL'],
]);

/** STORE_FULL for a failed write transaction that found no space (nothing of it was stored), else undefined. */
export function noSpaceError(error: unknown, generation: string): TsunagiError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const name = typeof code === 'number' ? NO_SPACE.get(code) : undefined;
  if (name === undefined) return undefined;
  return new TsunagiError(
    'STORE_FULL',
    `projection store ${generation} could not write a batch (${name}: its disk is full, a file-size limit was reached, or the disk failed); nothing of the batch was stored. Free space there and start the projector again: it resumes after the last stored batch`,
    { path: generation, cause: error },
  );
}

/** lmdb's `env.sync` (mdb_env_sync, forced): typed in lmdb's sources, not in its declarations. */
function syncToDisk(root: RootDatabase): Promise<void> {
  const env = root as unknown as { sync(done: (error?: Error) => void): void };
  return new Promise((resolve, reject) => env.sync((error) => (error ? reject(error) : resolve())));
}

function rangeOf<T>(db: Database<unknown, string>, query: RangeQuery): Array<{ key: string; value: T }> {
  const { prefix, reverse = false, limit, startAfter } = query;
  const top = `${prefix}\uffff`;
  // lmdb ranges: start inclusive, end exclusive; reversed, start is the upper bound.
  const options =
    startAfter === undefined
      ? reverse
        ? { start: top, end: prefix, reverse }
        : { start: prefix, end: top }
      : reverse
        ? { start: startAfter, end: prefix, reverse }
        : { start: `${startAfter}\u0000`, end: top };
  const out: Array<{ key: string; value: T }> = [];
  for (const { key, value } of db.getRange({
    ...options,
    ...(limit === undefined ? {} : { limit: limit + 1 }),
  })) {
    if (!key.startsWith(prefix) || key === startAfter) continue;
    out.push({ key, value: value as T });
    if (limit !== undefined && out.length >= limit) break;
  }
  return out;
}

/**
 * Opens the current generation of a view for writing. On first run, or when the current generation
 * holds rows of another version of the view's definition, a fresh generation is created and promoted:
 * the view is then rebuilt from offset zero (`rebuilt` says so).
 */
export function openCurrentStore(
  root: string,
  view: { name: string; version: number },
): { store: ProjectionStore; rebuilt: boolean } {
  const generation = currentGeneration(root, view.name);
  if (generation) {
    const store = openStoreAt(generation);
    if (store.version === view.version) return { store, rebuilt: false };
    void store.close();
  }
  const created = createGeneration(root, view.name);
  const store = openStoreAt(created, { version: view.version });
  promoteGeneration(root, view.name, created);
  return { store, rebuilt: generation !== undefined };
}
