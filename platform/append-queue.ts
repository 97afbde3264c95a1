/**
 * The batching queue in front of the log (in the manner of transparency-dev/tessera's queue): entries
 * are queued in call order and flushed together, at most `maxEntries` / `maxBytes` per flush, after at
 * most `lingerMs`; one flush runs at a time, and while it runs the next one fills. Each `add` gets its
 * own future: it resolves with one result per entry, in order, once every entry was flushed.
 *
 * Guarantees: entries are flushed in the order they were added (a flush waits for the preparation of
 * its first entry, e.g. an encoding that needs a registry lookup); an entry whose caller already gave
 * up (deadline passed) or whose group already failed is never flushed; an entry in flight when its
 * caller gives up may still land, and `onLate` hears of it. A failed flush fails every group it
 * carried an entry of.
 */
export interface AppendQueue<P, R> {
  /** Queues `entries` (each being prepared) and settles once all were flushed, or the first failed. */
  add(entries: ReadonlyArray<Promise<P>>, options: { timeoutMs: number }): Promise<R[]>;
  /** Fails everything still queued with `error` and refuses further entries with it. */
  close(error: Error): void;
}

export interface AppendQueueOptions<P, R> {
  flush(prepared: P[]): Promise<R[]>;
  sizeOf(prepared: P): number;
  /** The error a caller gets when its deadline passes before all its entries were flushed. */
  timeoutError(timeoutMs: number): Error;
  /** A result for an entry whose caller had given up: it was flushed all the same. */
  onLate?(result: R): void;
  lingerMs: number;
  maxEntries: number;
  maxBytes: number;
}

interface Group<R> {
  results: R[];
  remaining: number;
  settled: boolean;
  resolve(results: R[]): void;
  reject(error: unknown): void;
}

interface Entry<P, R> {
  group: Group<R>;
  index: number;
  prepared?: P;
  /** Settles (never rejects) once `prepared` is set or the group was failed by the preparation. */
  ready: Promise<void>;
}

export function createAppendQueue<P, R>(options: AppendQueueOptions<P, R>): AppendQueue<P, R> {
  let queue: Array<Entry<P, R>> = [];
  let timer: NodeJS.Timeout | undefined;
  let draining = false;
  let closed: Error | undefined;

  const takeBatch = async (): Promise<Array<Entry<P, R>>> => {
    const batch: Array<Entry<P, R>> = [];
    let bytes = 0;
    while (queue.length > 0 && batch.length < options.maxEntries) {
      const next = queue[0] as Entry<P, R>;
      await next.ready;
      if (next.group.settled) {
        queue.shift();
        continue;
      }
      const size = options.sizeOf(next.prepared as P);
      if (batch.length > 0 && bytes + size > options.maxBytes) break;
      queue.shift();
      batch.push(next);
      bytes += size;
    }
    return batch.filter((entry) => !entry.group.settled);
  };

  const drain = async (): Promise<void> => {
    timer = undefined;
    if (draining) return;
    draining = true;
    try {
      while (queue.length > 0) {
        const batch = await takeBatch();
        if (batch.length === 0) continue;
        let results: R[];
        try {
          results = await options.flush(batch.map((entry) => entry.prepared as P));
        } catch (error) {
          for (const entry of batch) entry.group.reject(error);
          continue;
        }
        batch.forEach((entry, i) => {
          const result = results[i] as R;
          if (entry.group.settled) options.onLate?.(result);
          else deliver(entry, result);
        });
      }
    } finally {
      draining = false;
    }
  };

  const deliver = (entry: Entry<P, R>, result: R) => {
    entry.group.results[entry.index] = result;
    entry.group.remaining -= 1;
    if (entry.group.remaining === 0) entry.group.resolve(entry.group.results);
  };

  const schedule = () => {
    if (queue.length >= options.maxEntries) void drain();
    else timer ??= setTimeout(() => void drain(), options.lingerMs);
  };

  return {
    add(entries, { timeoutMs }) {
      if (closed) return Promise.reject(closed);
      if (entries.length === 0) return Promise.resolve([]);
      return new Promise<R[]>((resolve, reject) => {
        const deadline = setTimeout(() => group.reject(options.timeoutError(timeoutMs)), timeoutMs);
        const settle = () => {
          group.settled = true;
          clearTimeout(deadline);
        };
        const group: Group<R> = {
          results: new Array<R>(entries.length),
          remaining: entries.length,
          settled: false,
          resolve(results) {
            if (group.settled) return;
            settle();
            resolve(results);
          },
          reject(error) {
            if (group.settled) return;
            settle();
            reject(error);
          },
        };
        entries.forEach((preparing, index) => {
          const entry: Entry<P, R> = { group, index, ready: Promise.resolve() };
          entry.ready = preparing.then(
            (prepared) => {
              entry.prepared = prepared;
            },
            (error: unknown) => group.reject(error),
          );
          queue.push(entry);
        });
        schedule();
      });
    },
    close(error) {
      closed = error;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      for (const entry of queue) entry.group.reject(error);
      queue = [];
    },
  };
}
