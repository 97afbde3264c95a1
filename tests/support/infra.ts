import { randomBytes } from 'node:crypto';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Admin } from 'kafkajs';
import { type InfraConfig, loadInfraConfig } from '../../platform/config.js';
import { createEventStore, type EventStore, type EventStoreDeps } from '../../platform/event-store.js';
import { createEventWire } from '../../platform/event-wire.js';
import { createKafka } from '../../platform/kafka.js';
import { createLogger, type Logger } from '../../platform/logger.js';

/** Helpers for integration tests: real servers, unique names so suites can re-run in parallel. */
export const testConfig = (): InfraConfig => loadInfraConfig();

export const testLogger = (): Logger =>
  createLogger({ name: 'test', level: process.env.LOG_LEVEL ?? 'warn' });

/**
 * For a test that provokes failures on purpose (a broker that is not there, a refused principal): its
 * clients and components log nothing, so the expected kafkajs and retry lines do not flood the output.
 * Unexpected failures elsewhere still show through `testLogger`.
 */
export const quietLogger = (): Logger => createLogger({ name: 'test', level: 'silent' });

export const uniqueName = (base: string): string =>
  `test.${base}.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

export const testKafka = (config = testConfig()) =>
  createKafka(config, testLogger(), { principal: 'admin', clientId: 'tsunagi-test' });

/** The event store as the `admin` principal on `config`'s topics; `options` override its settings. */
export const testStore = (config = testConfig(), options: Partial<EventStoreDeps> = {}): EventStore =>
  createEventStore({
    kafka: testKafka(config),
    wire: createEventWire(config),
    topicPrefix: config.TOPIC_PREFIX,
    logger: testLogger(),
    ...options,
  });

/** The event store of a test that provokes failures on purpose: it and its client log nothing. */
export const quietStore = (config = testConfig(), options: Partial<EventStoreDeps> = {}): EventStore =>
  testStore(config, {
    kafka: createKafka(config, quietLogger(), { principal: 'admin', clientId: 'tsunagi-test' }),
    logger: quietLogger(),
    ...options,
  });

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
