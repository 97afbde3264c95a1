import type { Kafka } from 'kafkajs';
import type { EventWire } from '../platform/event-wire.js';
import type { Logger } from '../platform/logger.js';
import { Topics, topicName } from '../schemas/topics.js';
import { createDisclosureRecorder, type DisclosureRecorder } from '../trail/recorder.js';
import { createNotificationPublisher, type NotificationPublisher } from './notification-publisher.js';

/** Where a subscription service writes: the access trail first, then the agencies' own topics. */
export interface NotificationOutputs {
  recorder: DisclosureRecorder;
  publisher: NotificationPublisher;
  close(): Promise<void>;
}

export function createNotificationOutputs(deps: {
  kafka: Kafka;
  wire: EventWire;
  topicPrefix: string;
  replicationFactor: number;
  logger: Logger;
}): NotificationOutputs {
  const { kafka, wire, topicPrefix, logger } = deps;
  const recorder = createDisclosureRecorder({
    kafka,
    wire,
    topic: topicName(topicPrefix, Topics.accessTrail),
    logger,
    // A round records all its notifications at once, and they queue behind each other in the
    // recorder; nothing waits on an answer here, and nothing is published before every one is
    // acknowledged, so a round of thousands gets longer than the gateway's 5 s.
    timeoutMs: 30_000,
  });
  const publisher = createNotificationPublisher(deps);
  return {
    recorder,
    publisher,
    async close() {
      await Promise.allSettled([publisher.close(), recorder.close()]);
    },
  };
}
