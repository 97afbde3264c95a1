import type { Kafka, Message } from 'kafkajs';
import { isTsunagiError, TsunagiError } from '../core/errors.js';
import type { EventWire } from '../platform/event-wire.js';
import { producerSlot } from '../platform/kafka-producer.js';
import { createPartitionedSender, FAILOVER_RETRY } from '../platform/kafka-send.js';
import type { Logger } from '../platform/logger.js';
import { EVENT_SUBJECTS, eventKey, type TsunagiEvent } from '../schemas/events.js';
import { topicName } from '../schemas/topics.js';

/** One acknowledged append: kafkajs reports a base offset per topic-partition written. */
export interface PublishReceipt {
  topic: string;
  partition: number;
  baseOffset: string;
}

/**
 * Publishes typed events. Guarantees: every event goes to its type's topic keyed by
 * `eventKey` (the linkage id for resident data), so one resident's events stay in order on
 * one partition; the producer is idempotent with one request in flight, so retries neither
 * duplicate nor reorder; `publish` resolves only when all in-sync replicas acknowledged
 * (acks=all). A broker outage surfaces as BROKER_UNAVAILABLE after bounded retries (about 30 s, so the
 * loss of one broker of a cluster is ridden out).
 */
export interface EventPublisher {
  publish(events: readonly TsunagiEvent[]): Promise<PublishReceipt[]>;
  close(): Promise<void>;
}

export interface PublisherDeps {
  kafka: Kafka;
  wire: EventWire;
  topicPrefix: string;
  logger: Logger;
  /** Per request to the broker; default 30 s. */
  requestTimeoutMs?: number;
}

export function createEventPublisher(deps: PublisherDeps): EventPublisher {
  // One partition per produce request: kafkajs's multi-partition retry can drop records (platform/kafka-send.ts).
  const sender = createPartitionedSender(deps.kafka);
  // Retired after a failed send: kafkajs would reuse its sequence numbers (platform/kafka-producer.ts).
  const producer = producerSlot(deps.kafka, {
    idempotent: true,
    maxInFlightRequests: 1,
    retry: FAILOVER_RETRY,
  });

  return {
    async publish(events) {
      if (events.length === 0) return [];
      const byTopic = new Map<string, Message[]>();
      for (const event of events) {
        const topic = topicName(deps.topicPrefix, EVENT_SUBJECTS[event.type].topic);
        const messages = byTopic.get(topic) ?? [];
        messages.push({
          key: eventKey(event),
          value: await deps.wire.encode(event),
          headers: { 'event-type': event.type, 'event-id': event.envelope.eventId },
        });
        byTopic.set(topic, messages);
      }
      const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
      const results = await producer
        .use((ready) =>
          sender.send(ready, { topicMessages, acks: -1, timeout: deps.requestTimeoutMs ?? 30_000 }),
        )
        .catch((cause: unknown) => {
          throw brokerError(`publishing ${events.length} events was not acknowledged`, cause);
        });
      return results.map((r) => ({
        topic: r.topicName,
        partition: r.partition,
        baseOffset: r.baseOffset ?? '-1',
      }));
    },
    async close() {
      await sender.close();
      await producer.close(30_000);
    },
  };
}

const brokerError = (message: string, cause: unknown): TsunagiError =>
  isTsunagiError(cause) ? cause : new TsunagiError('BROKER_UNAVAILABLE', message, { cause });
