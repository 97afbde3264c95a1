import { createNotificationPublisher } from '../consumers/notification-publisher.js';
import type { KeyRing } from '../identity/keys.js';
import { followLedger } from '../ledger/kafka.js';
import { createLedgerView } from '../ledger/view.js';
import type { EventStore } from '../platform/event-store.js';
import { createDisclosureRecorder } from '../trail/recorder.js';
import { createOutboxChannel } from './contact-channel.js';
import { openFactsStore } from './facts-store.js';
import type { NoticeDeps } from './issue.js';
import { startNoticesService } from './service.js';

type Options = Omit<
  Parameters<typeof startNoticesService>[0],
  'log' | 'topicPrefix' | 'store' | 'recorder' | 'publisher' | 'deliveries' | 'contactOf' | 'channel'
>;

/**
 * The notices service on Kafka, as `notices/cli.ts run` starts it: the facts store in `storeDir`,
 * the ledger followed from `resident-ledger` (for contacts, opened with the vault keys), the trail,
 * the notices and dead-letter topics, the agencies' topics, the outbox channel in `outboxDir`.
 * Resolves once the ledger view caught up and the consumer runs.
 */
export async function startNotices(
  deps: Options & {
    log: EventStore;
    topicPrefix: string;
    replicationFactor: number;
    vaultKeys: KeyRing;
    storeDir: string;
    outboxDir: string;
  },
): Promise<{ outbox: string; stop(): Promise<void> }> {
  const { log, logger } = deps;
  const store = openFactsStore(deps.storeDir);
  const ledger = createLedgerView(deps.vaultKeys);
  const following = await followLedger({ store: log, view: ledger, groupPrefix: 'notices-ledger-' });
  // A round records all its notices at once; nothing waits on an answer here (consumers/outputs.ts).
  const recorder = createDisclosureRecorder({ store: log, logger, timeoutMs: 30_000 });
  const deliveries = createNotificationPublisher({ store: log, replicationFactor: deps.replicationFactor });
  const channel = createOutboxChannel(deps.outboxDir);
  const contactOf: NoticeDeps['contactOf'] = (linkageId) => ledger.read(linkageId, 'NOTICE_CONTACT')?.value;
  const service = await startNoticesService({
    ...deps,
    store,
    log,
    recorder,
    publisher: log,
    deliveries,
    contactOf,
    channel,
  });
  return {
    outbox: channel.file,
    async stop() {
      await service.stop();
      await Promise.allSettled([following.stop(), recorder.close(), deliveries.close()]);
      await store.close();
    },
  };
}
