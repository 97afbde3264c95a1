import { randomBytes } from 'node:crypto';
import { provisionTopics } from '../../infra/provision-topics.js';
import { TOPIC_SPECS } from '../../infra/topics.js';
import type { InfraConfig } from '../../platform/config.js';
import { testConfig, testKafka, testLogger } from './infra.js';

/**
 * A config whose TOPIC_PREFIX is unique to one test file, with every Tsunagi topic
 * provisioned under it: suites neither see each other's events nor need cleaning up.
 */
export async function isolatedTopics(name: string): Promise<InfraConfig> {
  const base = testConfig();
  const config = {
    ...base,
    TOPIC_PREFIX: `test.${name}.${Date.now().toString(36)}${randomBytes(2).toString('hex')}.`,
  };
  const admin = testKafka(config).admin();
  await admin.connect();
  try {
    await provisionTopics(admin, config.TOPIC_PREFIX, 1, TOPIC_SPECS, testLogger());
  } finally {
    await admin.disconnect();
  }
  return config;
}
