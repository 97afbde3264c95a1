import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { TsunagiError } from '../../core/errors.js';
import type { EventWire } from '../../platform/event-wire.js';
import type { Logger } from '../../platform/logger.js';
import { handOver } from './entry-queue.js';
import type { SequencedEntry } from './follower.js';
import { publicEntryBytes, type TrailSubjectKeys } from './public-entry.js';

/**
 * The trail topic as the follower's source, over a plain kafkajs consumer (to be replaced by the
 * event-store port). The topic must have one partition: its offsets are the log's indices. Entry
 * bytes are the public entry of each DisclosureRecorded (public-entry.ts: no linkage id, the resident
 * bound by a keyed commitment); a record written with an older schema version gets the current
 * version's defaults first, so it hashes the same whichever version wrote it.
 */
export interface TrailEntrySource {
  entries: AsyncIterable<SequencedEntry>;
  stop(): Promise<void>;
}

export async function assertSinglePartition(admin: Admin, topic: string): Promise<void> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] }).catch((cause: unknown) => {
    throw new TsunagiError('BROKER_UNAVAILABLE', `the trail topic ${topic} could not be described`, {
      cause,
    });
  });
  const partitions = metadata.topics[0]?.partitions.length ?? 0;
  if (partitions !== 1)
    throw new TsunagiError(
      'CONFIG_INVALID',
      `the trail topic ${topic} has ${partitions} partitions; the Merkle log needs exactly one (its offsets are the log's indices)`,
      { path: topic },
    );
}

/** The sequenced size: the trail topic's high watermark (records acknowledged by all in-sync replicas). */
export async function sequencedSizeOf(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return Number(offsets.find((o) => o.partition === 0)?.high ?? 0);
}

export async function kafkaTrailEntries(deps: {
  kafka: Kafka;
  wire: EventWire;
  topic: string;
  subjects: TrailSubjectKeys;
  /** The first index wanted: the store's integrated size. */
  fromIndex: number;
  logger: Logger;
  capacity?: number;
  /** Default `<topic>.merkle-log`: one follower per trail. */
  groupId?: string;
}): Promise<TrailEntrySource> {
  const { kafka, wire, topic } = deps;
  const admin = kafka.admin();
  await admin.connect();
  await assertSinglePartition(admin, topic).finally(() => admin.disconnect());

  const queue = handOver<SequencedEntry>(deps.capacity ?? 5_000);
  // The group only carries progress within this process; the store's size decides where to start.
  const groupId = deps.groupId ?? `trail-log-follower-${topic}`;
  const consumer = kafka.consumer({ groupId, maxBytes: 4 * 1024 * 1024 });
  consumer.on(consumer.events.CRASH, (event) => queue.fail(event.payload.error));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    // A registry outage throws, and kafkajs retries the batch (nothing of it was handed over yet).
    // A record that is not a disclosure can never become an entry: the follower hears of it after
    // the entries before it, and this reader stops.
    eachBatch: async ({ batch }) => {
      const entries: SequencedEntry[] = [];
      for (const message of batch.messages) {
        const index = Number(message.offset);
        const event = message.value ? await wire.decode(message.value) : undefined;
        if (event?.type !== 'DisclosureRecorded') {
          await queue.push(entries);
          queue.fail(notDisclosure(topic, index, event ? `a ${event.type}` : 'an empty record'));
          consumer.pause([{ topic }]);
          return;
        }
        entries.push({ index, entry: publicEntryBytes(event, deps.subjects) });
      }
      await queue.push(entries);
    },
  });
  consumer.seek({ topic, partition: 0, offset: String(deps.fromIndex) });
  deps.logger.info({ topic, fromIndex: deps.fromIndex }, 'reading the trail for the Merkle log');
  return {
    entries: queue.items(),
    async stop() {
      queue.end();
      await consumer.disconnect();
    },
  };
}

const notDisclosure = (topic: string, index: number, what: string) =>
  new TsunagiError(
    'INPUT_INVALID',
    `trail record ${index} of ${topic} is ${what}, not a DisclosureRecorded`,
    {
      path: `${topic}/0/${index}`,
    },
  );

/** The entry bytes at one index, read from the trail topic (for auditors' tools; one throw-away reader). */
export async function readTrailEntry(deps: {
  kafka: Kafka;
  wire: EventWire;
  topic: string;
  subjects: TrailSubjectKeys;
  index: number;
  logger: Logger;
  timeoutMs?: number;
}): Promise<Uint8Array> {
  const groupId = `trail-log-entry-reader-${randomUUID()}`;
  const source = await kafkaTrailEntries({ ...deps, fromIndex: deps.index, capacity: 1, groupId });
  const timeout = setTimeout(() => void source.stop(), deps.timeoutMs ?? 15_000);
  try {
    for await (const { index, entry } of source.entries) if (index === deps.index) return entry;
    throw new TsunagiError('NOT_FOUND', `trail entry ${deps.index} was not found on ${deps.topic}`, {
      path: 'index',
    });
  } finally {
    clearTimeout(timeout);
    await source.stop();
  }
}
