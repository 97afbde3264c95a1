import type { Kafka, Producer } from 'kafkajs';
import { isTsunagiError, TsunagiError } from '../core/errors.js';
import type { EventWire } from '../platform/event-wire.js';
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
  let producer: Promise<Producer> | undefined;
  const connected = () => {
    producer ??= (async () => {
      const made = deps.kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 3 } });
      await made.connect();
      return made;
    })();
    producer.catch(() => {
      producer = undefined;
    });
    return producer;
  };
  return {
    async append(events) {
      if (events.length === 0) return;
      try {
        const messages = await Promise.all(
          events.map(async (event) => ({ key: event.data.linkageId, value: await deps.wire.encode(event) })),
        );
        await (await connected()).send({
          topic: deps.topic,
          acks: -1,
          timeout: deps.timeoutMs ?? 5_000,
          messages,
        });
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
      const made = producer;
      producer = undefined;
      await made?.then((p) => p.disconnect()).catch(() => undefined);
    },
  };
}
