import type { Admin, Kafka, Producer } from 'kafkajs';
import { isTsunagiError, TsunagiError } from '../core/errors.js';
import { provisionTopics } from '../infra/provision-topics.js';
import type { EventWire } from '../platform/event-wire.js';
import type { Logger } from '../platform/logger.js';
import type { AgencyNotified, EligibilityNoticeDelivered } from '../schemas/events.js';
import { AGENCY_NOTIFICATION_SPEC, agencyNotificationTopic, topicName } from '../schemas/topics.js';
import { deliveryDay } from './delivery.js';

/** The full name of an agency's own notification topic. */
export const agencyTopic = (prefix: string, agencyId: string): string =>
  topicName(prefix, agencyNotificationTopic(agencyId));

/** What goes on an agency's own topic: change notifications and eligibility notices. */
export type AgencyDelivery = AgencyNotified | EligibilityNoticeDelivered;

/**
 * Publishes notifications, each to its recipient's own topic keyed by the recipient's agency code.
 * Guarantees: a recipient's topic exists before anything is sent to it (created on first use with
 * AGENCY_NOTIFICATION_SPEC; idempotent, an existing topic is kept); messages are written in the
 * order given, with the delivery day as record timestamp; the producer is idempotent
 * with one request in flight; `publish` resolves only when every message was acknowledged with
 * acks=all, otherwise it rejects with BROKER_UNAVAILABLE and the caller must not commit.
 */
export interface NotificationPublisher {
  publish(notifications: readonly AgencyDelivery[]): Promise<void>;
  close(): Promise<void>;
}

export function createNotificationPublisher(deps: {
  kafka: Kafka;
  wire: EventWire;
  topicPrefix: string;
  replicationFactor: number;
  logger: Logger;
}): NotificationPublisher {
  const logger = deps.logger.child({ component: 'notification-publisher' });
  const ready = new Set<string>();
  let producer: Producer | undefined;
  let admin: Admin | undefined;

  async function ensureTopics(agencyIds: string[]): Promise<void> {
    const missing = [...new Set(agencyIds)].filter((id) => !ready.has(id));
    if (missing.length === 0) return;
    if (!admin) {
      admin = deps.kafka.admin();
      await admin.connect();
    }
    const specs = missing.map((id) => ({ ...AGENCY_NOTIFICATION_SPEC, name: agencyNotificationTopic(id) }));
    const { created } = await provisionTopics(admin, deps.topicPrefix, deps.replicationFactor, specs, logger);
    if (created.length > 0) logger.info({ topics: created }, 'agency notification topics created');
    for (const id of missing) ready.add(id);
  }

  return {
    async publish(notifications) {
      if (notifications.length === 0) return;
      try {
        await ensureTopics(notifications.map((n) => n.data.recipient));
        const byTopic = new Map<
          string,
          Array<{ key: string; value: Buffer; headers: Record<string, string>; timestamp: string }>
        >();
        for (const n of notifications) {
          const topic = agencyTopic(deps.topicPrefix, n.data.recipient);
          const messages = byTopic.get(topic) ?? [];
          messages.push({
            key: n.data.agencyCode,
            value: await deps.wire.encode(n),
            headers: { 'event-type': n.type, 'event-id': n.envelope.eventId },
            // CreateTime = the delivery day, not the send instant, which would pair agencies' records.
            timestamp: String(deliveryDay(n.envelope.recordedAt).getTime()),
          });
          byTopic.set(topic, messages);
        }
        if (!producer) {
          const made = deps.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
          await made.connect();
          producer = made;
        }
        const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
        await producer.sendBatch({ topicMessages, acks: -1 });
      } catch (cause) {
        if (isTsunagiError(cause)) throw cause;
        throw new TsunagiError('BROKER_UNAVAILABLE', 'agency notifications were not acknowledged', { cause });
      }
    },
    async close() {
      await Promise.allSettled([producer?.disconnect(), admin?.disconnect()]);
      producer = undefined;
      admin = undefined;
    },
  };
}
