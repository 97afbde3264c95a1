import type { EventLog } from './event-log.js';

/**
 * An EventLog in memory, for unit tests and demos of the identity hub: no durability at all.
 * `failNextAppends(n)` makes the next n appends fail, as an unreachable broker would.
 */
export interface InMemoryEventLog<E> extends EventLog<E> {
  readonly entries: readonly E[];
  failNextAppends(count: number): void;
}

export function createInMemoryEventLog<E>(): InMemoryEventLog<E> {
  const entries: E[] = [];
  let failures = 0;
  return {
    entries,
    failNextAppends(count) {
      failures = count;
    },
    async append(entry) {
      if (failures > 0) {
        failures--;
        throw new Error('in-memory log: append refused');
      }
      entries.push(entry);
    },
    async replay(onEntry) {
      for (const entry of [...entries]) await onEntry(entry);
    },
  };
}
