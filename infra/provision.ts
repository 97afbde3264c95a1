import type { Admin } from 'kafkajs';
import { provisionAnalytics } from '../analytics/provision.js';
import { readAnalyticsSettings } from '../analytics/settings.js';
import type { InfraConfig } from '../platform/config.js';
import { createKafka } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import { provisionTopics } from '../platform/topic-provisioning.js';
import { BUNDLED_SUBSCRIPTIONS_PATH, loadSubscriptionsFile } from '../policy/subscriptions.js';
import { TOPIC_SPECS } from '../schemas/topics.js';
import { aclTable, type PrincipalRow } from './acls.js';
import { ensurePrincipalCredentials } from './kafka-secrets.js';
import { provisionAcls } from './provision-acls.js';
import { provisionSchemas } from './provision-schemas.js';
import { ensureBackwardCompatibility } from './registry-compatibility.js';

/** The ACL table for the agencies that subscribe to notifications (the bundled subscriptions file). */
export async function kafkaAclTable(): Promise<PrincipalRow[]> {
  const { subscriptions } = await loadSubscriptionsFile(BUNDLED_SUBSCRIPTIONS_PATH);
  return aclTable(subscriptions.map((s) => s.agencyId));
}

/**
 * Every Tsunagi topic under `config.TOPIC_PREFIX` and the ACLs of the table for them. The
 * environment's own prefix also revokes ACLs the table no longer grants; a test's or bench's
 * throw-away prefix only adds.
 */
export async function provisionKafka(
  admin: Admin,
  config: Pick<InfraConfig, 'TOPIC_PREFIX' | 'TOPIC_REPLICATION_FACTOR'>,
  logger: Logger,
  options: { revokeStale?: boolean } = {},
): Promise<PrincipalRow[]> {
  const topics = await provisionTopics(
    admin,
    config.TOPIC_PREFIX,
    config.TOPIC_REPLICATION_FACTOR,
    TOPIC_SPECS,
    logger,
  );
  const rows = await kafkaAclTable();
  const acls = await provisionAcls(admin, rows, config.TOPIC_PREFIX, logger, options);
  logger.info(
    { created: topics.created.length, existing: topics.existing.length, acls },
    'topics and ACLs provisioned',
  );
  return rows;
}

/**
 * Topics, ACLs, credentials, schemas and the analytics database; safe to run any number of times.
 * `analytics: false` skips ClickHouse (the fault tier runs Kafka and the registry only).
 */
export async function provision(
  config: InfraConfig,
  logger: Logger,
  options: { analytics?: boolean } = {},
): Promise<void> {
  const admin = createKafka(config, logger, { principal: 'admin' }).admin();
  await admin.connect();
  let rows: PrincipalRow[];
  try {
    rows = await provisionKafka(admin, config, logger, { revokeStale: true });
  } finally {
    await admin.disconnect();
  }
  // The local stack issues every principal's certificate from its own CA; a deployment's PKI
  // issues them instead (KAFKA_TLS_* files), so nothing is made there.
  if (config.KAFKA_TLS_CERT_FILE === undefined)
    await ensurePrincipalCredentials(
      config.kafkaSecretsDir,
      rows.map((r) => r.principal),
      logger,
    );
  await ensureBackwardCompatibility(config, logger);
  await provisionSchemas(config, logger);
  if (options.analytics !== false)
    await provisionAnalytics(config, logger, readAnalyticsSettings().ANALYTICS_K);
}
