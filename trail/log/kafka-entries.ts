import { randomUUID } from 'node:crypto';
import { TsunagiError } from '../../core/errors.js';
import { CONSUMER_GROUPS } from '../../platform/consumer-groups.js';
import type { EventStore, ReadRecord } from '../../platform/event-store.js';
import type { Logger } from '../../platform/logger.js';
import type { TsunagiEvent } from '../../schemas/events.js';
import { Topics } from '../../schemas/topics.js';
import { handOver } from './entry-queue.js';
import type { SequencedEntry } from './follower.js';
import { publicEntryBytes, type TrailSubjectKeys } from './public-entry.js';

/**
 * The trail topic as the follower's source, through the event store's reader. The topic must have
 * one partition: its offsets are the log's indices. Entry bytes are the public entry of each
 * DisclosureRecorded (public-entry.ts: no linkage id, the resident bound by a keyed commitment); a
 * record written with an older schema version gets the current version's defaults first, so it
 * hashes the same whichever version wrote it.
 */
export interface TrailEntrySource {
  entries: AsyncIterable<SequencedEntry>;
  stop(): Promise<void>;
}

type TrailStore = Pick<EventStore, 'follow' | 'offsets' | 'topic'>;

export async function assertSinglePartition(store: TrailStore): Promise<void> {
  const topic = store.topic(Topics.accessTrail);
  const partitions = (await store.offsets(Topics.accessTrail)).length;
  if (partitions !== 1)
    throw new TsunagiError(
      'CONFIG_INVALID',
      `the trail topic ${topic} has ${partitions} partitions; the Merkle log needs exactly one (its offsets are the log's indices)`,
      { path: topic },
    );
}

/** The sequenced size: the trail topic's high watermark (records acknowledged by all in-sync replicas). */
export async function sequencedSizeOf(store: Pick<EventStore, 'offsets'>): Promise<number> {
  const offsets = await store.offsets(Topics.accessTrail);
  return Number(offsets.find((o) => o.partition === 0)?.high ?? 0);
}

const notDisclosure = (topic: string, index: number, record: ReadRecord<TsunagiEvent>) =>
  new TsunagiError(
    'INPUT_INVALID',
    `trail record ${index} of ${topic} is ${
      record.kind === 'event'
        ? `a ${record.event.type}`
        : record.kind === 'tombstone'
          ? 'an empty record'
          : 'undecodable'
    }, not a DisclosureRecorded`,
    { path: `${topic}/0/${index}` },
  );

/**
 * Offsets are the Merkle log's own (`stored`): reading starts at `fromIndex`, the store's integrated
 * size, and a re-join resumes after the last entry handed over. A registry outage makes the reader
 * fetch the batch again (nothing of it was handed over yet). A record that is not a disclosure can
 * never become an entry: the follower hears of it after the entries before it, and this reader stops.
 */
export async function kafkaTrailEntries(deps: {
  store: TrailStore;
  subjects: TrailSubjectKeys;
  /** The first index wanted: the store's integrated size. */
  fromIndex: number;
  logger: Logger;
  capacity?: number;
  /** Default `trail-log-follower-<topic>`: one follower per trail. */
  group?: string;
}): Promise<TrailEntrySource> {
  const { store } = deps;
  const topic = store.topic(Topics.accessTrail);
  await assertSinglePartition(store);
  const queue = handOver<SequencedEntry>(deps.capacity ?? 5_000);
  let next = deps.fromIndex;
  const following = await store.follow(
    [Topics.accessTrail],
    {
      kind: 'stored',
      group: deps.group ?? `${CONSUMER_GROUPS.trailLog.prefix}follower-${topic}`,
      offsetOf: () => String(next),
    },
    async (batch) => {
      const entries: SequencedEntry[] = [];
      for (const record of batch.records) {
        const index = Number(record.position.offset);
        if (record.kind !== 'event' || record.event.type !== 'DisclosureRecorded') {
          await queue.push(entries);
          throw notDisclosure(topic, index, record);
        }
        entries.push({ index, entry: publicEntryBytes(record.event, deps.subjects) });
      }
      await queue.push(entries);
      next = Number(batch.records.at(-1)?.position.offset ?? next - 1) + 1;
    },
    { maxBytesPerPartition: 4 * 1024 * 1024 },
  );
  following.done.then(
    () => queue.end(),
    (error: unknown) => queue.fail(error),
  );
  deps.logger.info({ topic, fromIndex: deps.fromIndex }, 'reading the trail for the Merkle log');
  return {
    entries: queue.items(),
    async stop() {
      queue.end();
      await following.stop();
    },
  };
}

/** The entry bytes at one index, read from the trail topic (for auditors' tools; one throw-away reader). */
export async function readTrailEntry(deps: {
  store: TrailStore;
  subjects: TrailSubjectKeys;
  index: number;
  logger: Logger;
  timeoutMs?: number;
}): Promise<Uint8Array> {
  const group = `${CONSUMER_GROUPS.trailLog.prefix}entry-reader-${randomUUID()}`;
  const source = await kafkaTrailEntries({ ...deps, fromIndex: deps.index, capacity: 1, group });
  const timeout = setTimeout(() => void source.stop(), deps.timeoutMs ?? 15_000);
  try {
    for await (const { index, entry } of source.entries) if (index === deps.index) return entry;
    throw new TsunagiError(
      'NOT_FOUND',
      `trail entry ${deps.index} was not found on ${deps.store.topic(Topics.accessTrail)}`,
      {
        path: 'index',
      },
    );
  } finally {
    clearTimeout(timeout);
    await source.stop();
  }
}
