import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { isTsunagiError } from '../core/errors.js';
import { identityConfigFor } from '../identity/hub-config.js';
import { createIdentityHub } from '../identity/identity-hub.js';
import { loadInfraConfig } from '../platform/config.js';
import { openEventStore } from '../platform/event-store.js';
import { createLogger } from '../platform/logger.js';
import { BUNDLED_POLICY_PATH, createPolicyStore } from '../policy/index.js';
import {
  BUNDLED_SUBSCRIPTIONS_PATH,
  createSubscriptionsStore,
  itemsWithoutBasis,
} from '../policy/subscriptions.js';
import { projectionStoreRoot, readProjectionSettings } from '../projections/catalogue.js';
import { openProjectionViews } from '../projections/views.js';
import { createNotificationOutputs } from './outputs.js';
import { parseRoundWait, startSubscriptionService } from './subscription-service.js';

const USAGE = `usage: tsx consumers/cli.ts run [--subscriptions FILE] [--policy FILE] [--group ID] [--from-beginning]
                           [--round-wait-ms MS]
  Notifies agencies of the resident-record and information-item changes they subscribed to and
  the legal-basis table permits, each on its own topic, after recording the disclosure in the
  access trail. Reads the resident record view of the projector (run it too). Changes are
  delivered in rounds of up to MS milliseconds (default 5000, below 30000), each in a random
  order (docs/subscriptions.md). SIGINT/SIGTERM stop.`;

async function run(values: Record<string, string | boolean | undefined>): Promise<void> {
  const config = loadInfraConfig();
  const logger = createLogger({ name: 'subscriptions', level: config.LOG_LEVEL });
  const subscriptions = await createSubscriptionsStore({
    path: String(values.subscriptions ?? BUNDLED_SUBSCRIPTIONS_PATH.pathname),
    logger,
    watch: true,
  });
  const policy = await createPolicyStore({
    path: String(values.policy ?? BUNDLED_POLICY_PATH.pathname),
    logger,
    watch: true,
  });
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
    ...(typeof values.group === 'string' ? { groupId: values.group } : {}),
    fromBeginning: values['from-beginning'] === true,
    ...(typeof values['round-wait-ms'] === 'string'
      ? { delivery: { roundWaitMs: parseRoundWait(values['round-wait-ms']) } }
      : {}),
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
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await service.stop();
  await Promise.allSettled([outputs.close(), identity.close(), views.close()]);
  await store.close();
  policy.close();
  subscriptions.close();
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      subscriptions: { type: 'string' },
      policy: { type: 'string' },
      group: { type: 'string' },
      'from-beginning': { type: 'boolean', default: false },
      'round-wait-ms': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || positionals[0] !== 'run') {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  await run(values);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(isTsunagiError(error) ? `${error.code}: ${error.message}` : String(error));
    process.exit(1);
  },
);
