import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { EventWire } from '../platform/event-wire.js';
import type { TsunagiEvent } from '../schemas/events.js';
import type { TrailPosition } from './positions.js';

export interface TrailEntry {
  position: TrailPosition;
  key: string | null;
  event: TsunagiEvent;
}

/**
 * Reads a trail topic from the beginning until `count` entries were seen or `waitMs` passed, in
 * partition-then-offset order. For tests and audit tools; it joins no consumer group that matters
 * (a fresh one each time) and commits nothing.
 */
export async function readTrail(
  kafka: Kafka,
  wire: EventWire,
  topic: string,
  options: { count?: number; waitMs?: number } = {},
): Promise<TrailEntry[]> {
  const waitMs = options.waitMs ?? 10_000;
  const consumer = kafka.consumer({ groupId: `trail-reader-${randomUUID()}` });
  const entries: TrailEntry[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, waitMs);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (!message.value) return;
            entries.push({
              position: { topic, partition, offset: message.offset },
              key: message.key?.toString('utf8') ?? null,
              event: await wire.decode(message.value),
            });
            if (options.count !== undefined && entries.length >= options.count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return entries.sort(
    (a, b) =>
      a.position.partition - b.position.partition ||
      Number(BigInt(a.position.offset) - BigInt(b.position.offset)),
  );
}
