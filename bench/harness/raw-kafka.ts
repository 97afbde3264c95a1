import { randomBytes, randomUUID } from 'node:crypto';
import type { Kafka, Message } from 'kafkajs';
import type { EventWire } from '../../platform/event-wire.js';
import { partitionKey } from '../../platform/positions.js';

/**
 * The raw kafkajs baselines of B2 and B3: the client library alone, same TLS and consumer settings
 * as the projector (default concurrency, 1 MiB per partition per fetch), none of our code between.
 */
export interface RawConsumed {
  records: number;
  ms: number;
  /** Value sizes in bytes, when asked for (B2 reuses them as its payload sizes). */
  sizes?: number[];
}

/** Reads `topics` from offset zero to the end offsets seen at the start; optionally decodes each value. */
export async function rawConsume(
  kafka: Kafka,
  topics: readonly string[],
  options: { decode?: EventWire; keepSizes?: boolean } = {},
): Promise<RawConsumed> {
  const began = performance.now(); // from the start, as a replay's time includes its set-up
  const ends = await endOffsets(kafka, topics);
  const expected = [...ends.values()].reduce((n, end) => n + Number(end), 0);
  if (expected === 0) return { records: 0, ms: 0 };
  const sizes: number[] = [];
  let records = 0;
  const consumer = kafka.consumer({
    groupId: `bench-raw-${randomUUID()}`,
    sessionTimeout: 15_000,
    maxBytesPerPartition: 1_048_576,
  });
  await consumer.connect();
  for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
  let ms = 0;
  await new Promise<void>((done, fail) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            if (options.decode && message.value) await options.decode.decode(message.value);
            if (options.keepSizes) sizes.push(message.value?.length ?? 0);
          }
          records += batch.messages.length;
          if (records >= expected) {
            ms = performance.now() - began;
            done();
          }
        },
      })
      .catch(fail);
  });
  await consumer.disconnect();
  return { records, ms, ...(options.keepSizes ? { sizes } : {}) };
}

/**
 * Produce + consume of payloads of the given sizes through a fresh topic of `partitions`
 * partitions: acks=all batches of `batchSize` (as the ingest sends), a consumer reading alongside;
 * the time until the consumer has them all.
 */
export async function rawProduceConsume(
  kafka: Kafka,
  sizes: readonly number[],
  options: { partitions: number; batchSize: number },
): Promise<{ records: number; ms: number }> {
  const topic = `bench.raw.${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: options.partitions, replicationFactor: 1 }],
  });
  const largest = sizes.reduce((max, size) => Math.max(max, size), 1);
  const pool = randomBytes(largest * 2);
  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}`, maxBytesPerPartition: 1_048_576 });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await Promise.all([consumer.connect(), producer.connect()]);
    await consumer.subscribe({ topic, fromBeginning: true });
    let consumed = 0;
    const began = performance.now();
    const allConsumed = new Promise<number>((done, fail) => {
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            consumed += batch.messages.length;
            if (consumed >= sizes.length) done(performance.now());
          },
        })
        .catch(fail);
    });
    for (let from = 0; from < sizes.length; from += options.batchSize) {
      const messages: Message[] = sizes.slice(from, from + options.batchSize).map((size, i) => ({
        key: `k${(from + i) % 100_000}`,
        value: pool.subarray((from + i) % size, ((from + i) % size) + size),
      }));
      await producer.send({ topic, acks: -1, messages });
    }
    return { records: sizes.length, ms: (await allConsumed) - began };
  } finally {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/** `topic/partition` → end offset of the partitions that hold records (kafkajs admin, as the baselines read). */
export async function endOffsets(kafka: Kafka, topics: readonly string[]): Promise<Map<string, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map<string, string>();
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic))
        if (BigInt(p.high) > BigInt(p.low)) ends.set(partitionKey(topic, p.partition), p.high);
    return ends;
  } finally {
    await admin.disconnect();
  }
}
