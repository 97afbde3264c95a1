/**
 * Serialises asynchronous work per key: work for one key runs one at a time, in call order, while
 * different keys run independently. A failure ends only its own work, never the queue. Holds no
 * entry for an idle key. Within one process only; see docs/gateway.md for several instances.
 */
export interface KeyedQueue {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Keys with work running or waiting (for tests and metrics). */
  busy(): number;
}

export function createKeyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<void>>();
  return {
    run(key, work) {
      const result = (tails.get(key) ?? Promise.resolve()).then(work);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    busy: () => tails.size,
  };
}
