import { randomBytes } from 'node:crypto';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Admin } from 'kafkajs';
import { type InfraConfig, loadInfraConfig } from '../../platform/config.js';
import { createKafka } from '../../platform/kafka.js';
import { createLogger, type Logger } from '../../platform/logger.js';

/** Helpers for integration tests: real servers, unique names so suites can re-run in parallel. */
export const testConfig = (): InfraConfig => loadInfraConfig();

export const testLogger = (): Logger =>
  createLogger({ name: 'test', level: process.env.LOG_LEVEL ?? 'warn' });

export const uniqueName = (base: string): string =>
  `test.${base}.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

export const testKafka = (config = testConfig()) =>
  createKafka(config, testLogger(), { principal: 'admin', clientId: 'tsunagi-test' });

export const testRegistry = (config = testConfig()) =>
  new SchemaRegistry({ host: config.registryCcompatUrl });

export { SchemaType };

export async function createTestTopic(admin: Admin, base: string, partitions = 3): Promise<string> {
  const topic = uniqueName(base);
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
  });
  return topic;
}
