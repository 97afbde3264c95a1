import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { isTsunagiError } from '../core/errors.js';

/**
 * Delivers every record of a topic from the earliest offset up to the end offsets seen when
 * it was called, in offset order per partition, then resolves. Uses a throw-away consumer
 * group and commits nothing, so it neither disturbs nor depends on other readers. A TsunagiError
 * thrown by `onMessage` rejects the call as it is (not wrapped by kafkajs).
 */
export async function readToEnd(
  kafka: Kafka,
  topic: string,
  onMessage: (message: KafkaMessage, partition: number) => void | Promise<void>,
  groupPrefix = 'tsunagi-read-to-end',
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const ends = new Map(
    offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]),
  );
  if (ends.size === 0) return;
  const consumer = kafka.consumer({ groupId: `${groupPrefix}-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const done = new Set<number>();
      // kafkajs wraps what onMessage threw; callers get our own typed error back.
      consumer.on(consumer.events.CRASH, (event) => reject(unwrap(event.payload.error)));
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            await onMessage(message, partition);
            if (BigInt(message.offset) + 1n >= end) done.add(partition);
            if (done.size === ends.size) resolve();
          },
        })
        .catch((error: unknown) => reject(unwrap(error)));
    });
  } finally {
    await consumer.disconnect();
  }
}

const unwrap = (error: unknown): unknown => {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return isTsunagiError(cause) ? cause : error;
};
