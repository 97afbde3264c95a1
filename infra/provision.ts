import { createClickhouse } from '../platform/clickhouse.js';
import type { InfraConfig } from '../platform/config.js';
import { createKafka } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import { provisionSchemas } from './provision-schemas.js';
import { provisionTopics } from './provision-topics.js';
import { ensureBackwardCompatibility } from './registry-compatibility.js';
import { TOPIC_SPECS } from './topics.js';

/** Topics, schemas and the analytics database; safe to run any number of times. */
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
  await ensureBackwardCompatibility(config, logger);
  await provisionSchemas(config, logger);
  const clickhouse = createClickhouse(config);
  try {
    await clickhouse.command({ query: `CREATE DATABASE IF NOT EXISTS ${config.CLICKHOUSE_DATABASE}` });
  } finally {
    await clickhouse.close();
  }
  logger.info({ database: config.CLICKHOUSE_DATABASE }, 'analytics database provisioned');
}
