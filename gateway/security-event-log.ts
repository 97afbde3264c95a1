import type { Kafka } from 'kafkajs';
import type { EventWire } from '../platform/event-wire.js';
import type { Logger } from '../platform/logger.js';
import { createEventPublisher } from '../producers/publisher.js';
import type { SecurityEventLog } from './security-audit.js';

/**
 * The security-audit topic (`<TOPIC_PREFIX>security-audit`, routed by EVENT_SUBJECTS) through the
 * shared event publisher: idempotent producer, acks=all, Avro framed by the registry's schema id.
 */
export function kafkaSecurityEventLog(deps: {
  kafka: Kafka;
  wire: EventWire;
  topicPrefix: string;
  logger: Logger;
}): SecurityEventLog {
  const publisher = createEventPublisher({ ...deps, requestTimeoutMs: 10_000 });
  return {
    async append(events) {
      await publisher.publish(events);
    },
    close: () => publisher.close(),
  };
}
