import type { Kafka } from 'kafkajs';
import { createNotificationPublisher } from '../consumers/notification-publisher.js';
import type { KeyRing } from '../identity/keys.js';
import { followLedger } from '../ledger/kafka.js';
import { createLedgerView } from '../ledger/view.js';
import type { EventWire } from '../platform/event-wire.js';
import { createEventPublisher } from '../producers/publisher.js';
import { Topics, topicName } from '../schemas/topics.js';
import { createDisclosureRecorder } from '../trail/recorder.js';
import { createOutboxChannel } from './contact-channel.js';
import { openFactsStore } from './facts-store.js';
import type { NoticeDeps } from './issue.js';
import { startNoticesService } from './service.js';

type Options = Omit<
  Parameters<typeof startNoticesService>[0],
  | 'kafka'
  | 'wire'
  | 'topicPrefix'
  | 'store'
  | 'recorder'
  | 'publisher'
  | 'deliveries'
  | 'contactOf'
  | 'channel'
>;

/**
 * The notices service on Kafka, as `notices/cli.ts run` starts it: the facts store in `storeDir`,
 * the ledger followed from `resident-ledger` (for contacts, opened with the vault keys), the trail,
 * the notices and dead-letter topics, the agencies' topics, the outbox channel in `outboxDir`.
 * Resolves once the ledger view caught up and the consumer runs.
 */
export async function startNotices(
  deps: Options & {
    kafka: Kafka;
    wire: EventWire;
    topicPrefix: string;
    replicationFactor: number;
    vaultKeys: KeyRing;
    storeDir: string;
    outboxDir: string;
  },
): Promise<{ outbox: string; stop(): Promise<void> }> {
  const { kafka, wire, topicPrefix, logger } = deps;
  const store = openFactsStore(deps.storeDir);
  const ledger = createLedgerView(deps.vaultKeys);
  const following = await followLedger({
    kafka,
    wire,
    topic: topicName(topicPrefix, Topics.residentLedger),
    view: ledger,
    groupPrefix: 'notices-ledger-',
    logger,
  });
  const publisher = createEventPublisher({ kafka, wire, topicPrefix, logger });
  const recorder = createDisclosureRecorder({
    kafka,
    wire,
    topic: topicName(topicPrefix, Topics.accessTrail),
    logger,
  });
  const deliveries = createNotificationPublisher({
    kafka,
    wire,
    topicPrefix,
    replicationFactor: deps.replicationFactor,
    logger,
  });
  const channel = createOutboxChannel(deps.outboxDir);
  const contactOf: NoticeDeps['contactOf'] = (linkageId) => ledger.read(linkageId, 'NOTICE_CONTACT')?.value;
  const service = await startNoticesService({
    ...deps,
    store,
    recorder,
    publisher,
    deliveries,
    contactOf,
    channel,
  });
  return {
    outbox: channel.file,
    async stop() {
      await service.stop();
      await Promise.allSettled([following.stop(), publisher.close(), recorder.close(), deliveries.close()]);
      await store.close();
    },
  };
}
