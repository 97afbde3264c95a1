import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { isTsunagiError, TsunagiError } from '../core/errors.js';
import type { EventWire } from '../platform/event-wire.js';
import type { Logger } from '../platform/logger.js';
import { fromDomainEvent } from './revocation-events.js';
import { emptyRevocationView, evolve, type RevocationView } from './revocation-view.js';

export interface RevocationFeed {
  /** Reads the topic from the beginning; resolves once everything on it at the call is in the view. */
  start(): Promise<void>;
  /** The view as of the last applied record: pass it as the checker's `crlView`. */
  view(): RevocationView;
  /** Resolves when every record on the topic at the call has been applied. */
  catchUp(timeoutMs?: number): Promise<void>;
  /** Records skipped because they could not be decoded (a corrupt record, not an outage). */
  undecodable(): number;
  stop(): Promise<void>;
}

export interface RevocationFeedDeps {
  kafka: Kafka;
  wire: EventWire;
  /** The full `certificate-status` topic name (with its prefix). */
  topic: string;
  logger: Logger;
}

/**
 * jpki's revocation view, kept current in memory by a consumer of the compacted `certificate-status`
 * topic. Every start replays the topic from the beginning (a throw-away group, nothing committed):
 * the topic holds one record per certificate and one marker per issuer, so a replay is small, and
 * `evolve` is idempotent and order-independent, so partitions may interleave freely. A record that
 * cannot be decoded for a retriable reason (registry down) stops the feed until it can; a corrupt
 * record is logged and skipped.
 */
export function createRevocationFeed(deps: RevocationFeedDeps): RevocationFeed {
  const log = deps.logger.child({ component: 'revocation-feed' });
  let view = emptyRevocationView;
  let skipped = 0;
  const positions = new Map<number, bigint>();
  const waiters = new Set<() => void>();
  let consumer: Consumer | undefined;
  let admin: Admin | undefined;

  async function apply(partition: number, offset: string, value: Buffer | null): Promise<void> {
    if (value !== null) {
      try {
        const event = fromDomainEvent(await deps.wire.decode(value));
        if (event) view = evolve(view, event);
      } catch (error) {
        if (!isTsunagiError(error) || error.retriable) throw error;
        skipped += 1;
        log.error({ partition, offset, code: error.code }, 'certificate status record skipped');
      }
    }
    positions.set(partition, BigInt(offset) + 1n);
    for (const wake of waiters) wake();
  }

  async function catchUp(timeoutMs = 30_000): Promise<void> {
    if (!admin) throw new TsunagiError('INTERNAL', 'revocation feed is not started');
    const offsets = await admin.fetchTopicOffsets(deps.topic);
    const reached = () =>
      offsets.every((o) => (positions.get(o.partition) ?? BigInt(o.low)) >= BigInt(o.high));
    if (reached()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new TsunagiError('BROKER_UNAVAILABLE', `revocation feed did not catch up in ${timeoutMs} ms`));
      }, timeoutMs);
      const wake = () => {
        if (!reached()) return;
        clearTimeout(timer);
        waiters.delete(wake);
        resolve();
      };
      waiters.add(wake);
    });
  }

  return {
    async start() {
      admin = deps.kafka.admin();
      await admin.connect();
      consumer = deps.kafka.consumer({ groupId: `tsunagi-jpki-revocation-feed-${randomUUID()}` });
      await consumer.connect();
      await consumer.subscribe({ topic: deps.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: ({ partition, message }) => apply(partition, message.offset, message.value),
      });
      await catchUp();
      log.info({ revoked: view.revoked.size, issuers: view.coverage.size }, 'revocation view loaded');
    },
    view: () => view,
    catchUp,
    undecodable: () => skipped,
    async stop() {
      await Promise.allSettled([consumer?.disconnect(), admin?.disconnect()]);
      consumer = undefined;
      admin = undefined;
    },
  };
}
