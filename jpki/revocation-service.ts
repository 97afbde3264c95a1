import type { Clock } from '../core/clock.js';
import { CONSUMER_GROUPS } from '../platform/consumer-groups.js';
import type { EventStore, Following } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';
import { followInMemory, memoryView } from '../platform/memory-view.js';
import {
  createKafkaRevocationPublisher,
  type KafkaRevocationPublisher,
} from './kafka-revocation-publisher.js';
import type { OcspClient } from './ocsp-client.js';
import type { RevocationChecker } from './revocation.js';
import { createRevocationChecker } from './revocation-checker.js';
import { type RevocationRows, revocationsView } from './revocation-view.js';

export interface RevocationService {
  /** The revocations view (revocationsView, in memory), kept current from `certificate-status`. */
  revocations: RevocationRows;
  /** Resolves when every record on the topic now is in the view (BROKER_UNAVAILABLE after the timeout). */
  catchUp(timeoutMs?: number): Promise<void>;
  /** Publishes to `certificate-status`, skipping what the view already holds. */
  publisher: KafkaRevocationPublisher;
  /** OCSP first (when given), then the view; OCSP revocations are published back to the topic. */
  checker(ocsp?: OcspClient): RevocationChecker;
  close(): Promise<void>;
}

/**
 * The Kafka side of revocation in one place, for the CLI, the gateway and tests: the revocations view
 * run in memory from the `certificate-status` topic (loaded from its start before this resolves: the
 * topic is compacted, one record per certificate and one marker per issuer, so that is small), and a
 * publisher onto it. A corrupt record is logged and skipped; a registry outage stops the view until it
 * can read again.
 */
export async function startRevocationService(deps: {
  store: EventStore;
  clock: Clock;
  logger: Logger;
}): Promise<RevocationService> {
  const { store, clock, logger } = deps;
  const view = memoryView(revocationsView);
  const following: Following = await followInMemory(store, view, CONSUMER_GROUPS.revocationFeed.prefix);
  logger.info({ component: 'revocation-feed' }, 'revocation view loaded');
  const publisher = createKafkaRevocationPublisher({ events: store, clock, logger, knownRevocations: view });
  return {
    revocations: view,
    catchUp: (timeoutMs) => following.catchUp(timeoutMs),
    publisher,
    checker: (ocsp) =>
      createRevocationChecker({ clock, logger, revocations: view, publisher, ...(ocsp ? { ocsp } : {}) }),
    close: () => following.stop(),
  };
}
