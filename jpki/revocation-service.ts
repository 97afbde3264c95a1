import type { Kafka } from 'kafkajs';
import type { Clock } from '../core/clock.js';
import type { EventWire } from '../platform/event-wire.js';
import type { Logger } from '../platform/logger.js';
import { createEventPublisher } from '../producers/publisher.js';
import { Topics, topicName } from '../schemas/topics.js';
import {
  createKafkaRevocationPublisher,
  type KafkaRevocationPublisher,
} from './kafka-revocation-publisher.js';
import type { OcspClient } from './ocsp-client.js';
import type { RevocationChecker } from './revocation.js';
import { createRevocationChecker } from './revocation-checker.js';
import { createRevocationFeed, type RevocationFeed } from './revocation-feed.js';

export interface RevocationService {
  feed: RevocationFeed;
  /** Publishes to `certificate-status`, skipping what the feed's view already holds. */
  publisher: KafkaRevocationPublisher;
  /** OCSP first (when given), then the feed's view; OCSP revocations are published back to the topic. */
  checker(ocsp?: OcspClient): RevocationChecker;
  close(): Promise<void>;
}

/**
 * The Kafka side of revocation in one place, for the CLI, the gateway and tests: the view fed from
 * the `certificate-status` topic (loaded before this resolves), and a publisher onto it.
 */
export async function startRevocationService(deps: {
  kafka: Kafka;
  wire: EventWire;
  topicPrefix: string;
  clock: Clock;
  logger: Logger;
}): Promise<RevocationService> {
  const { kafka, wire, topicPrefix, clock, logger } = deps;
  const events = createEventPublisher({ kafka, wire, topicPrefix, logger });
  const feed = createRevocationFeed({
    kafka,
    wire,
    topic: topicName(topicPrefix, Topics.certificateStatus),
    logger,
  });
  try {
    await feed.start();
  } catch (error) {
    await Promise.allSettled([feed.stop(), events.close()]);
    throw error;
  }
  const publisher = createKafkaRevocationPublisher({ events, clock, logger, knownRevocations: feed.view });
  return {
    feed,
    publisher,
    checker: (ocsp) =>
      createRevocationChecker({ clock, logger, crlView: feed.view, publisher, ...(ocsp ? { ocsp } : {}) }),
    async close() {
      await Promise.allSettled([feed.stop(), events.close()]);
    },
  };
}
