import { type EventStore, eventRecord } from '../platform/event-store.js';
import type { AgencyNotified } from '../schemas/events.js';
import { AGENCY_NOTIFICATION_SPEC, agencyNotificationTopic, topicName } from '../schemas/topics.js';
import { deliveryDay } from './delivery.js';

/** The full name of an agency's own notification topic. */
export const agencyTopic = (prefix: string, agencyId: string): string =>
  topicName(prefix, agencyNotificationTopic(agencyId));

/**
 * Publishes notifications, each to its recipient's own topic (the event store routes AgencyNotified
 * by recipient) keyed by the recipient's agency code. Guarantees: a recipient's topic exists before
 * anything is sent to it (created on first use with AGENCY_NOTIFICATION_SPEC; idempotent, an existing
 * topic is kept); messages are written in the order given, with the delivery day as record timestamp;
 * `publish` resolves only when every message was acknowledged with acks=all, otherwise it rejects with
 * BROKER_UNAVAILABLE and the caller must not commit.
 */
export interface NotificationPublisher {
  publish(notifications: readonly AgencyNotified[]): Promise<void>;
  close(): Promise<void>;
}

export function createNotificationPublisher(deps: {
  store: Pick<EventStore, 'append' | 'ensureTopics'>;
  replicationFactor: number;
}): NotificationPublisher {
  return {
    async publish(notifications) {
      if (notifications.length === 0) return;
      const recipients = [...new Set(notifications.map((n) => n.data.recipient))];
      await deps.store.ensureTopics(
        recipients.map((id) => ({ ...AGENCY_NOTIFICATION_SPEC, name: agencyNotificationTopic(id) })),
        deps.replicationFactor,
      );
      await deps.store.append(
        // CreateTime = the delivery day, not the send instant, which would pair agencies' records.
        notifications.map((n) => eventRecord(n, { timestamp: deliveryDay(n.envelope.recordedAt) })),
      );
    },
    close: async () => undefined,
  };
}
