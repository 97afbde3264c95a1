import { provisionAnalytics } from '../analytics/provision.js';
import { readAnalyticsSettings } from '../analytics/settings.js';
import type { InfraConfig } from '../platform/config.js';
import { createSchemaRegistry } from '../platform/event-wire.js';
import { createKafka } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import { provisionSchemas } from './provision-schemas.js';
import { provisionTopics } from './provision-topics.js';
import { TOPIC_SPECS } from './topics.js';

/** Topics, schemas and the analytics schema (analytics/provision.ts); safe to run any number of times. */
export async function provision(config: InfraConfig, logger: Logger): Promise<void> {
  const admin = createKafka(config, logger).admin();
  await admin.connect();
  try {
    const topics = await provisionTopics(
      admin,
      config.TOPIC_PREFIX,
      config.TOPIC_REPLICATION_FACTOR,
      TOPIC_SPECS,
      logger,
    );
    logger.info({ created: topics.created.length, existing: topics.existing.length }, 'topics provisioned');
  } finally {
    await admin.disconnect();
  }
  await provisionSchemas(createSchemaRegistry(config), logger);
  await provisionAnalytics(config, logger, readAnalyticsSettings().ANALYTICS_K);
}
