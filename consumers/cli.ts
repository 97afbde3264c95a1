import { systemClock } from '../core/clock.js';
import { identityConfigFor } from '../identity/hub-config.js';
import { createIdentityHub } from '../identity/identity-hub.js';
import { runIfMain } from '../platform/cli-main.js';
import { loadInfraConfig } from '../platform/config.js';
import { openEventStore } from '../platform/event-store.js';
import { createLogger } from '../platform/logger.js';
import {
  BUNDLED_SUBSCRIPTIONS_PATH,
  createSubscriptionsStore,
  itemsWithoutBasis,
} from '../policy/subscriptions.js';
import { projectionStoreRoot, readProjectionSettings } from '../projections/catalogue.js';
import { openProjectionViews } from '../projections/views.js';
import { createNotificationOutputs } from './outputs.js';
import {
  roundFollowing,
  roundServiceMain,
  type ServiceArgs,
  untilStopSignal,
  watchedPolicy,
} from './service-cli.js';
import { startSubscriptionService } from './subscription-service.js';

const USAGE = `usage: tsx consumers/cli.ts run [--subscriptions FILE] [--policy FILE] [--group ID] [--from-beginning]
                           [--round-wait-ms MS]
  Notifies agencies of the resident-record and information-item changes they subscribed to and
  the legal-basis table permits, each on its own topic, after recording the disclosure in the
  access trail. Reads the resident record view of the projector (run it too). Changes are
  delivered in rounds of up to MS milliseconds (default 5000, below 30000), each in a random
  order (docs/subscriptions.md). SIGINT/SIGTERM stop.`;

async function run(values: ServiceArgs): Promise<void> {
  const config = loadInfraConfig();
  const logger = createLogger({ name: 'subscriptions', level: config.LOG_LEVEL });
  const subscriptions = await createSubscriptionsStore({
    path: String(values.subscriptions ?? BUNDLED_SUBSCRIPTIONS_PATH.pathname),
    logger,
    watch: true,
  });
  const policy = await watchedPolicy(values, logger);
  for (const unmet of itemsWithoutBasis(subscriptions.current().subscriptions, policy.current()))
    logger.warn(unmet, 'subscribed item has no legal-basis row; it will never be notified');
  const store = openEventStore(config, logger, {
    principal: 'subscriptions',
    clientId: 'tsunagi-subscriptions',
    deadLetterProducer: 'subscriptions',
  });
  const identity = await createIdentityHub({
    config: identityConfigFor(config),
    store,
    clock: systemClock,
    logger,
  });
  const views = openProjectionViews({ storeRoot: projectionStoreRoot(config, readProjectionSettings()) });
  const outputs = createNotificationOutputs({
    store,
    replicationFactor: config.TOPIC_REPLICATION_FACTOR,
    logger,
  });
  const service = await startSubscriptionService({
    store,
    topicPrefix: config.TOPIC_PREFIX,
    ...roundFollowing(values),
    subscriptions: () => subscriptions.current().subscriptions,
    policy: () => policy.current(),
    residentRecord: (linkageId) => views.residentRecord(linkageId),
    codes: identity.codes,
    recorder: outputs.recorder,
    publisher: outputs.publisher,
    clock: systemClock,
    logger,
  });
  logger.info(
    {
      subscriptions: subscriptions.current().subscriptions.length,
      revision: subscriptions.current().revision,
    },
    'subscription service running',
  );
  await untilStopSignal();
  await service.stop();
  await Promise.allSettled([outputs.close(), identity.close(), views.close()]);
  await store.close();
  policy.close();
  subscriptions.close();
}

runIfMain(import.meta.url, () => roundServiceMain(USAGE, { subscriptions: { type: 'string' } }, run));
