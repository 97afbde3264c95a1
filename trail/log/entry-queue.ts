/**
 * A bounded hand-over from a push source (a Kafka consumer callback) to a pull consumer (an async
 * iterator): `push` waits while the queue is full, so a slow follower slows the fetching instead of
 * growing memory. Order is preserved; `fail` surfaces an error to the reader after the queued items.
 */
export interface HandOver<T> {
  push(items: readonly T[]): Promise<void>;
  fail(error: unknown): void;
  end(): void;
  items(): AsyncGenerator<T>;
}

export function handOver<T>(capacity: number): HandOver<T> {
  let queue: T[] = [];
  let head = 0;
  let failure: { error: unknown } | undefined;
  let ended = false;
  let wakeReader: (() => void) | undefined;
  const wakeWriters: Array<() => void> = [];
  const waiting = () => queue.length - head;
  const notifyReader = () => {
    wakeReader?.();
    wakeReader = undefined;
  };
  return {
    async push(items) {
      queue.push(...items);
      notifyReader();
      while (waiting() >= capacity && !ended && !failure)
        await new Promise<void>((resolve) => wakeWriters.push(resolve));
    },
    fail(error) {
      failure ??= { error };
      notifyReader();
    },
    end() {
      ended = true;
      notifyReader();
      for (const wake of wakeWriters.splice(0)) wake();
    },
    async *items() {
      for (;;) {
        if (waiting() > 0) {
          const item = queue[head++] as T;
          if (head > 1024 && head * 2 > queue.length) [queue, head] = [queue.slice(head), 0];
          if (waiting() < capacity / 2) for (const wake of wakeWriters.splice(0)) wake();
          yield item;
          continue;
        }
        if (failure) throw failure.error;
        if (ended) return;
        await new Promise<void>((resolve) => {
          wakeReader = resolve;
        });
      }
    },
  };
}
