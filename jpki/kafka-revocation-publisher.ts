import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../platform/logger.js';
import type { EventPublisher } from '../producers/publisher.js';
import type { CertificateStatusEvent, RevocationPublisher } from './revocation.js';
import { toDomainEvent } from './revocation-events.js';
import { evolve, type RevocationView } from './revocation-view.js';

export interface KafkaRevocationPublisherDeps {
  /** The domain-event publisher (idempotent producer, acks=all). */
  events: EventPublisher;
  clock: Clock;
  logger: Logger;
  /** `envelope.producer`; default `jpki`. */
  producer?: string;
  /**
   * The revocation view as the topic has it now. When given, events that would not change it (a
   * revocation already known, a CRL marker not newer than the one held) are not published again.
   */
  knownRevocations?: () => RevocationView;
  newCorrelationId?: () => string;
}

export interface PublishCount {
  published: number;
  skipped: number;
}

export interface KafkaRevocationPublisher extends RevocationPublisher {
  /** As `publish`, and says how many events were appended and how many the view already held. */
  publishCounted(events: readonly CertificateStatusEvent[]): Promise<PublishCount>;
}

/**
 * jpki's RevocationPublisher on the `certificate-status` topic. Guarantees: resolves only when
 * every event is acknowledged by all in-sync replicas (a failure throws BROKER_UNAVAILABLE and the
 * caller may retry the whole batch); event ids are deterministic per issuer + serial and per CRL
 * issue, so a retry or a re-ingest never states a new fact. One batch shares a correlation id.
 */
export function createKafkaRevocationPublisher(deps: KafkaRevocationPublisherDeps): KafkaRevocationPublisher {
  const log = deps.logger.child({ component: 'revocation-publisher' });
  const newCorrelationId = deps.newCorrelationId ?? (() => `jpki-${randomUUID()}`);

  function changesOnly(events: readonly CertificateStatusEvent[]): CertificateStatusEvent[] {
    if (!deps.knownRevocations) return [...events];
    let view = deps.knownRevocations();
    const fresh: CertificateStatusEvent[] = [];
    for (const event of events) {
      const next = evolve(view, event);
      if (next !== view) fresh.push(event);
      view = next;
    }
    return fresh;
  }

  async function publishCounted(events: readonly CertificateStatusEvent[]): Promise<PublishCount> {
    const fresh = changesOnly(events);
    const skipped = events.length - fresh.length;
    if (fresh.length === 0) return { published: 0, skipped };
    const context = {
      recordedAt: deps.clock.now(),
      producer: deps.producer ?? 'jpki',
      correlationId: newCorrelationId(),
    };
    await deps.events.publish(fresh.map((event) => toDomainEvent(event, context)));
    log.info(
      { published: fresh.length, skipped, correlationId: context.correlationId },
      'certificate status published',
    );
    return { published: fresh.length, skipped };
  }

  return {
    publishCounted,
    async publish(events) {
      await publishCounted(events);
    },
  };
}
