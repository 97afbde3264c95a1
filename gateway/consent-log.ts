import type { Kafka } from 'kafkajs';
import { isTsunagiError, TsunagiError } from '../core/errors.js';
import type { EventWire } from '../platform/event-wire.js';
import { producerSlot } from '../platform/kafka-producer.js';
import type { ConsentGranted, ConsentRevoked, ConsentUsed } from '../schemas/events.js';

export type ConsentEventRecord = ConsentGranted | ConsentRevoked | ConsentUsed;

/**
 * Appends consent events to the consents topic, keyed by linkage id, EventWire-framed, with the
 * idempotent producer and acks=all: `append` resolves only once the broker acknowledged them.
 */
export interface ConsentLog {
  append(events: readonly ConsentEventRecord[]): Promise<void>;
  close(): Promise<void>;
}

export function createKafkaConsentLog(deps: {
  kafka: Kafka;
  wire: EventWire;
  topic: string;
  timeoutMs?: number;
}): ConsentLog {
  // Retired after a failed send: kafkajs would reuse its sequence numbers (platform/kafka-producer.ts).
  const producer = producerSlot(deps.kafka, {
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries: 3 },
  });
  return {
    async append(events) {
      if (events.length === 0) return;
      try {
        const messages = await Promise.all(
          events.map(async (event) => ({ key: event.data.linkageId, value: await deps.wire.encode(event) })),
        );
        await producer.use((ready) =>
          ready.send({ topic: deps.topic, acks: -1, timeout: deps.timeoutMs ?? 5_000, messages }),
        );
      } catch (cause) {
        if (isTsunagiError(cause)) throw cause;
        throw new TsunagiError(
          'BROKER_UNAVAILABLE',
          'the consent was not acknowledged by the consents topic',
          {
            cause,
          },
        );
      }
    },
    async close() {
      await producer.close(30_000);
    },
  };
}
