import { randomBytes } from 'node:crypto';
import { provisionKafka } from '../../infra/provision.js';
import type { InfraConfig } from '../../platform/config.js';
import { testConfig, testKafka, testLogger } from './infra.js';

/**
 * A config whose TOPIC_PREFIX is unique to one test file, with every Tsunagi topic
 * provisioned under it and the ACL table applied to them, so the hub's services run there
 * under their own principals: suites neither see each other's events nor need cleaning up.
 */
export async function isolatedTopics(name: string): Promise<InfraConfig> {
  const base = testConfig();
  const config = {
    ...base,
    TOPIC_PREFIX: `test.${name}.${Date.now().toString(36)}${randomBytes(2).toString('hex')}.`,
    TOPIC_REPLICATION_FACTOR: 1,
  };
  const admin = testKafka(config).admin();
  await admin.connect();
  try {
    await provisionKafka(admin, config, testLogger());
  } finally {
    await admin.disconnect();
  }
  return config;
}
