import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { EventStore } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';
import type { CertificateStatusDraft, RevocationPublisher } from './revocation.js';
import { toDomainEvent } from './revocation-events.js';
import { type RevocationRow, type RevocationRows, revocationsView } from './revocation-view.js';

export interface KafkaRevocationPublisherDeps {
  /** The event store (idempotent producer, acks=all). */
  events: Pick<EventStore, 'append'>;
  clock: Clock;
  logger: Logger;
  /** `envelope.producer`; default `jpki`. */
  producer?: string;
  /**
   * The revocations view as the topic has it now. When given, statuses that would not change it (a
   * revocation already known, a CRL marker not newer than the one held) are not published again.
   */
  knownRevocations?: RevocationRows;
  newCorrelationId?: () => string;
}

export interface PublishCount {
  published: number;
  skipped: number;
}

export interface KafkaRevocationPublisher extends RevocationPublisher {
  /** As `publish`, and says how many events were appended and how many the view already held. */
  publishCounted(statuses: readonly CertificateStatusDraft[]): Promise<PublishCount>;
}

/** The envelope a status gets only to be judged against the view (never published with it). */
const SCRATCH = { recordedAt: new Date(0), producer: 'batch', correlationId: 'batch' };
const NOWHERE = { topic: '', partition: 0, offset: '0' };

/**
 * jpki's RevocationPublisher on the `certificate-status` topic. Guarantees: resolves only when
 * every event is acknowledged by all in-sync replicas (a failure throws BROKER_UNAVAILABLE and the
 * caller may retry the whole batch); event ids are deterministic per issuer + serial and per CRL
 * issue, so a retry or a re-ingest never states a new fact. One batch shares a correlation id.
 */
export function createKafkaRevocationPublisher(deps: KafkaRevocationPublisherDeps): KafkaRevocationPublisher {
  const log = deps.logger.child({ component: 'revocation-publisher' });
  const newCorrelationId = deps.newCorrelationId ?? (() => `jpki-${randomUUID()}`);

  /** The statuses that change the view, each judged after the ones before it in the batch. */
  function changesOnly(statuses: readonly CertificateStatusDraft[]): CertificateStatusDraft[] {
    const known = deps.knownRevocations;
    if (!known) return [...statuses];
    const batch = new Map<string, RevocationRow | undefined>();
    return statuses.filter((status) => {
      const event = toDomainEvent(status, SCRATCH);
      const rowKey = revocationsView.keyOf(event, NOWHERE) as string;
      const row = batch.has(rowKey) ? batch.get(rowKey) : known.get(rowKey);
      const next = revocationsView.evolve(row, event, NOWHERE);
      batch.set(rowKey, next);
      return next !== row;
    });
  }

  async function publishCounted(statuses: readonly CertificateStatusDraft[]): Promise<PublishCount> {
    const fresh = changesOnly(statuses);
    const skipped = statuses.length - fresh.length;
    if (fresh.length === 0) return { published: 0, skipped };
    const context = {
      recordedAt: deps.clock.now(),
      producer: deps.producer ?? 'jpki',
      correlationId: newCorrelationId(),
    };
    await deps.events.append(fresh.map((status) => toDomainEvent(status, context)));
    log.info(
      { published: fresh.length, skipped, correlationId: context.correlationId },
      'certificate status published',
    );
    return { published: fresh.length, skipped };
  }

  return {
    publishCounted,
    async publish(statuses) {
      await publishCounted(statuses);
    },
  };
}
