import type { Admin } from 'kafkajs';
import { TsunagiError } from '../core/errors.js';
import { partitionKey } from './positions.js';

type Offsets = Map<string, bigint>;
type PartitionOffsets = { partition: number; low: string; high: string };

/**
 * How far a reader got, per `topic/partition`, against the topics' end offsets: what `caughtUp` and
 * `catchUp` wait for. A partition the reader has not handled yet starts where `initial` says (the
 * stored offset, the group's committed one, or the earliest / latest offset).
 */
export interface ReadProgress {
  /** The end offsets now (admin ListOffsets). */
  endsNow(): Promise<Offsets>;
  /** A partition's records up to (not including) `next` were handled. */
  advance(key: string, next: bigint): void;
  reached(ends: Offsets): boolean;
  /** Resolves once `ends` are reached; BROKER_UNAVAILABLE after `timeoutMs` if given. */
  waitFor(ends: Offsets, timeoutMs?: number): Promise<void>;
  /** Wakes every waiter (after a stop: they see the final positions). */
  wakeAll(): void;
}

export function readProgress(
  admin: Admin,
  topics: readonly string[],
  initial: (topic: string, offsets: PartitionOffsets) => bigint,
): ReadProgress {
  const positions: Offsets = new Map();
  const waiters = new Set<() => void>();
  const reached = (ends: Offsets) => [...ends].every(([key, end]) => (positions.get(key) ?? 0n) >= end);
  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };
  return {
    async endsNow() {
      const ends: Offsets = new Map();
      for (const topic of topics)
        for (const p of await admin.fetchTopicOffsets(topic)) {
          const key = partitionKey(topic, p.partition);
          if (!positions.has(key)) positions.set(key, initial(topic, p));
          ends.set(key, BigInt(p.high));
        }
      return ends;
    },
    advance(key, next) {
      if (next > (positions.get(key) ?? 0n)) positions.set(key, next);
      wakeAll();
    },
    reached,
    waitFor: (ends, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const wake = () => {
          if (!reached(ends)) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer =
          timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                waiters.delete(wake);
                const what = `${topics.join(', ')} not caught up in ${timeoutMs} ms`;
                reject(new TsunagiError('BROKER_UNAVAILABLE', what));
              }, timeoutMs);
        waiters.add(wake);
        wake();
      }),
    wakeAll,
  };
}

/** The offsets a consumer group committed (none: -1, left out). */
export async function committedOffsets(
  admin: Admin,
  group: string,
  topics: readonly string[],
): Promise<Offsets> {
  const offsets = await admin.fetchOffsets({ groupId: group, topics: [...topics] });
  return new Map(
    offsets.flatMap(({ topic, partitions }) =>
      partitions
        .filter((p) => BigInt(p.offset) >= 0n)
        .map((p) => [partitionKey(topic, p.partition), BigInt(p.offset)] as const),
    ),
  );
}

/**
 * Commits, for each partition a group has no committed offset for, where it starts (`initial`), before
 * the group consumes anything. Why: a group that never committed starts wherever kafkajs's default
 * puts it each time it joins; a reader that starts at the end and is killed before its first commit (a
 * delivery round longer than the session timeout) would come back at the new end and never handle what
 * it had read (tests/fault/subscriptions.fault.test.ts). A group with members is left as it is.
 */
export async function pinStartPositions(
  admin: Admin,
  group: string,
  topics: readonly string[],
  committed: Offsets,
  initial: (topic: string, offsets: PartitionOffsets) => bigint,
): Promise<'pinned' | 'group-active'> {
  for (const topic of topics) {
    const partitions = (await admin.fetchTopicOffsets(topic))
      .filter((p) => !committed.has(partitionKey(topic, p.partition)))
      .map((p) => ({ partition: p.partition, offset: initial(topic, p).toString() }));
    if (partitions.length === 0) continue;
    try {
      await admin.setOffsets({ groupId: group, topic, partitions });
    } catch {
      return 'group-active';
    }
  }
  return 'pinned';
}
