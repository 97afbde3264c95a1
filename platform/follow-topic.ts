import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { TsunagiEvent } from '../schemas/events.js';
import type { EventWire } from './event-wire.js';
import type { Logger } from './logger.js';

/** Where a record was read: its partition and offset, for views that keep topic order. */
export interface RecordAt {
  partition: number;
  offset: bigint;
}

/**
 * Keeps an in-memory view current from a topic: reads it from the beginning under a fresh group
 * (`<groupPrefix><uuid>`, nothing committed: the view is memory) and resolves once caught up with
 * the end offsets seen at start, so a service answers only with a complete view. A record that
 * cannot be decoded is logged (position, never content) and skipped. `stop` disconnects.
 */
export async function followTopic(deps: {
  kafka: Kafka;
  wire: EventWire;
  topic: string;
  groupPrefix: string;
  onEvent(event: TsunagiEvent, at: RecordAt): void;
  logger: Logger;
  /** Names the view in log lines, e.g. "consent". */
  what: string;
}): Promise<{ stop(): Promise<void> }> {
  const admin = deps.kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(deps.topic).finally(() => admin.disconnect());
  const remaining = new Map(
    ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => [e.partition, BigInt(e.high)]),
  );
  const consumer = deps.kafka.consumer({ groupId: `${deps.groupPrefix}${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: deps.topic, fromBeginning: true });
  let caughtUp: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    caughtUp = resolve;
  });
  if (remaining.size === 0) caughtUp();
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const offset = BigInt(message.offset);
      if (message.value) {
        try {
          deps.onEvent(await deps.wire.decode(message.value), { partition, offset });
        } catch (error) {
          deps.logger.error(
            { partition, offset: message.offset, err: { message: String(error) } },
            `${deps.what} event skipped`,
          );
        }
      }
      const end = remaining.get(partition);
      if (end !== undefined && offset + 1n >= end) {
        remaining.delete(partition);
        if (remaining.size === 0) caughtUp();
      }
    },
  });
  await ready;
  return { stop: () => consumer.disconnect() };
}
