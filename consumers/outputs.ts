import type { EventStore } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';
import { createDisclosureRecorder, type DisclosureRecorder } from '../trail/recorder.js';
import { createNotificationPublisher, type NotificationPublisher } from './notification-publisher.js';

/** Where a subscription service writes: the access trail first, then the agencies' own topics. */
export interface NotificationOutputs {
  recorder: DisclosureRecorder;
  publisher: NotificationPublisher;
  close(): Promise<void>;
}

export function createNotificationOutputs(deps: {
  store: Pick<EventStore, 'append' | 'ensureTopics'>;
  replicationFactor: number;
  logger: Logger;
}): NotificationOutputs {
  const recorder = createDisclosureRecorder({
    store: deps.store,
    logger: deps.logger,
    // A round records all its notifications at once, and they queue behind each other; nothing waits
    // on an answer here and nothing is published before every one is acknowledged, so a round of
    // thousands may take longer than the gateway's 5 s.
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
