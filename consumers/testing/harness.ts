import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { systemClock } from '../../core/clock.js';
import type { ResidentRecord } from '../../core/resident/index.js';
import { createTestHub, type TestHub } from '../../identity/testing/hub.js';
import type { InfraConfig } from '../../platform/config.js';
import { createEventWire, type EventWire } from '../../platform/event-wire.js';
import { BUNDLED_POLICY_PATH, loadPolicyFile } from '../../policy/index.js';
import type { Subscription } from '../../policy/subscriptions.js';
import type { TsunagiEvent } from '../../schemas/events.js';
import { testKafka, testLogger, testStore } from '../../tests/support/infra.js';
import { isolatedTopics } from '../../tests/support/topics.js';
import { createNotificationOutputs, type NotificationOutputs } from '../outputs.js';
import { type NotifyDeps, startSubscriptionService } from '../subscription-service.js';

/** For int tests: source events published on isolated topics, then a subscription service reading them. */
export interface SubscriptionHarness {
  config: InfraConfig;
  kafka: Kafka;
  wire: EventWire;
  hub: TestHub;
  close(): Promise<void>;
}

export async function startSubscriptionHarness(options: {
  name: string;
  sources: readonly TsunagiEvent[];
  subscriptions: readonly Subscription[];
  residentRecord: (linkageId: string) => ResidentRecord | undefined;
  /** Wraps the real trail recorder and notification publisher, e.g. to watch their order. */
  wrap?: (outputs: NotificationOutputs) => Pick<NotifyDeps, 'recorder' | 'publisher'>;
}): Promise<SubscriptionHarness> {
  const logger = testLogger();
  const config = await isolatedTopics(options.name);
  const kafka = testKafka(config);
  const wire = createEventWire(config);
  const hub = createTestHub();
  const store = testStore(config);
  const outputs = createNotificationOutputs({ store, replicationFactor: 1, logger });
  await store.append(options.sources);
  const policy = await loadPolicyFile(BUNDLED_POLICY_PATH);
  const service = await startSubscriptionService({
    store,
    topicPrefix: config.TOPIC_PREFIX,
    groupId: `test-${options.name}-${randomUUID()}`,
    fromBeginning: true,
    delivery: { roundWaitMs: 1_000 },
    subscriptions: () => options.subscriptions,
    policy: () => policy,
    residentRecord: options.residentRecord,
    codes: hub.codes,
    ...(options.wrap ? options.wrap(outputs) : outputs),
    clock: systemClock,
    logger,
  });
  return {
    config,
    kafka,
    wire,
    hub,
    async close() {
      await service.stop().catch(() => undefined);
      await outputs.close();
      await store.close();
      await hub.close();
    },
  };
}
