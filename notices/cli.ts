import {
  roundFollowing,
  roundServiceMain,
  type ServiceArgs,
  untilStopSignal,
  watchedPolicy,
} from '../consumers/service-cli.js';
import { systemClock } from '../core/clock.js';
import { identityConfigFor } from '../identity/hub-config.js';
import { createIdentityHub } from '../identity/identity-hub.js';
import { runIfMain } from '../platform/cli-main.js';
import { loadInfraConfig } from '../platform/config.js';
import { openEventStore } from '../platform/event-store.js';
import { createLogger } from '../platform/logger.js';
import { infraPaths } from '../platform/paths.js';
import { BUNDLED_RULES_PATH, createEligibilityRulesStore } from '../policy/index.js';
import { startNotices } from './wiring.js';

const USAGE = `usage: tsx notices/cli.ts run [--rules FILE] [--policy FILE] [--group ID] [--from-beginning]
                         [--round-wait-ms MS] [--outbox DIR]
  Push-type administration (docs/notices.md): follows resident-records and information-items,
  evaluates the eligibility rules, and for each hit records the notice in the access trail, puts it
  in the resident's inbox (notices topic), delivers it to the responsible agency's own topic under
  its own code, and tells the resident's contact that a notice arrived (demo: a local outbox, default
  <TSUNAGI_HOME>/data/notices-outbox/outbox.jsonl). A rule that fails for one resident is
  dead-lettered. The rules and the legal-basis table are reloaded when their files change.`;

async function run(values: ServiceArgs): Promise<void> {
  const config = loadInfraConfig();
  const logger = createLogger({ name: 'notices', level: config.LOG_LEVEL });
  const paths = infraPaths(config.home);
  const policy = await watchedPolicy(values, logger);
  const rules = await createEligibilityRulesStore({
    path: String(values.rules ?? BUNDLED_RULES_PATH.pathname),
    policy: () => policy.current(),
    logger,
    watch: true,
  });
  const log = openEventStore(config, logger, {
    principal: 'notices',
    clientId: 'tsunagi-notices',
    deadLetterProducer: 'notices',
  });
  const identityConfig = identityConfigFor(config);
  const identity = await createIdentityHub({
    config: identityConfig,
    store: log,
    clock: systemClock,
    logger,
  });
  const service = await startNotices({
    log,
    topicPrefix: config.TOPIC_PREFIX,
    replicationFactor: config.TOPIC_REPLICATION_FACTOR,
    vaultKeys: identityConfig.vaultKeys,
    storeDir: paths.data('notices'),
    outboxDir: String(values.outbox ?? paths.data('notices-outbox')),
    ...roundFollowing(values),
    rules: () => rules.current(),
    policy: () => policy.current(),
    codes: identity.codes,
    clock: systemClock,
    logger,
  });
  logger.info(
    { rules: rules.current().rules.length, revision: rules.current().revision, outbox: service.outbox },
    'notices service running',
  );
  await untilStopSignal();
  await service.stop();
  await identity.close();
  await log.close();
  rules.close();
  policy.close();
}

runIfMain(import.meta.url, () =>
  roundServiceMain(USAGE, { rules: { type: 'string' }, outbox: { type: 'string' } }, run),
);
