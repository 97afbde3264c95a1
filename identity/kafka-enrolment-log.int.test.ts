import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import type { EventStoreDeps } from '../platform/event-store.js';
import { loadSchema, registrySubject } from '../schemas/catalogue.js';
import {
  createTestTopic,
  quietStore,
  testConfig,
  testKafka,
  testLogger,
  testStore,
} from '../tests/support/infra.js';
import { readTopic } from '../tests/support/read-topic.js';
import { createCodeRegistry } from './code-registry.js';
import { generateDevKeys } from './dev-keys.js';
import { openIdentityStore } from './identity-store.js';
import { createKafkaAgencyCodeLog, createKafkaEnrolmentLog } from './kafka-enrolment-log.js';
import { parseKeyRing } from './keys.js';
import type { LinkageId } from './linkage-id.js';
import { scanForMyNumbers } from './privacy-scan.js';
import { testMyNumbers } from './testing/my-numbers.js';
import { createVault } from './vault.js';

describe('identity logs on real Kafka', () => {
  const kafka = testKafka();
  const logger = testLogger();
  const clock = fixedClock('2026-04-01T09:00:00Z');
  const keys = generateDevKeys();
  const vaultKeys = parseKeyRing(keys.TSUNAGI_VAULT_KEYS, 'TSUNAGI_VAULT_KEYS');
  const hubKeys = parseKeyRing(keys.TSUNAGI_HUB_KEYS, 'TSUNAGI_HUB_KEYS');
  const dirs: string[] = [];
  const logs: Array<{ close(): Promise<void> }> = [];
  let admin: Admin;
  const topics: string[] = [];

  const createTopic = async (base: string): Promise<string> => {
    const topic = await createTestTopic(admin, base);
    topics.push(topic);
    return topic;
  };

  const store = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsunagi-identity-int-'));
    dirs.push(dir);
    return openIdentityStore(dir);
  };
  const track = <L extends { close(): Promise<void> }>(log: L): L => {
    logs.push(log);
    return log;
  };
  /** An event store whose identity topics are this test's own. */
  const on = (topicNames: EventStoreDeps['topicNames']) => track(testStore(testConfig(), { topicNames }));

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    for (const log of logs) await log.close();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds a lost vault from the enrolment topic with the same linkage ids and no My Number on the topic', async () => {
    const topic = await createTopic('identity-enrolments');
    const people = testMyNumbers('kafka-vault', 5);
    const log = createKafkaEnrolmentLog({ store: on({ 'identity-enrolments': topic }), logger });
    const vault = createVault({ store: store(), log, keys: vaultKeys, clock, logger });
    const ids: LinkageId[] = [];
    for (const person of people) ids.push(await vault.enrol(person));
    expect(await vault.enrol(people[0] as string)).toBe(ids[0]);

    const restored = createVault({ store: store(), log, keys: vaultKeys, clock, logger });
    expect(await restored.rebuildFromLog()).toEqual({ entries: 5, residents: 5 });
    for (const [i, person] of people.entries()) expect(await restored.lookup(person)).toBe(ids[i]);

    const raw: Buffer[] = [];
    const consumer = kafka.consumer({ groupId: `${topic}.scan` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      consumer.run({
        eachMessage: async ({ message }) => {
          raw.push(message.key ?? Buffer.alloc(0), message.value ?? Buffer.alloc(0));
          if (raw.length === 10) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(scanForMyNumbers(people, raw)).toEqual([]);
    expect(raw.some((bytes) => ids.some((id) => bytes.includes(id)))).toBe(false);
  });

  it('frames every identity record with the registry id of its RecordNameStrategy subject', async () => {
    const topic = await createTopic('identity-enrolments');
    const log = createKafkaEnrolmentLog({ store: on({ 'identity-enrolments': topic }), logger });
    const vault = createVault({ store: store(), log, keys: vaultKeys, clock, logger });
    for (const person of testMyNumbers('kafka-framing', 3)) await vault.enrol(person);
    const config = testConfig();
    const subject = encodeURIComponent(registrySubject('identity-enrolled'));
    const latest = (await (
      await fetch(`${config.registryCcompatUrl}/subjects/${subject}/versions/latest`)
    ).json()) as { id: number };
    const values = (await readTopic(kafka, topic)).map((m) => m.value as Buffer);
    expect(values).toHaveLength(3);
    for (const value of values) {
      expect(value[0]).toBe(0);
      expect(value.readInt32BE(1)).toBe(latest.id);
    }
  });

  it('refuses to rebuild from a topic holding an unframed (plain Avro) record, instead of misreading it', async () => {
    const topic = await createTopic('agency-codes');
    const plain = avro.Type.forSchema(loadSchema('agency-code-issued', 1) as avro.Schema).toBuffer({
      codeKind: 'AGENCY_CODE',
      agencyId: 'pension-service',
      agencyCode: `AC1-v1-${'A'.repeat(32)}`,
      keyVersion: 1,
      sealedLinkageId: Buffer.alloc(44, 2),
      nonce: Buffer.alloc(12, 3),
      sealKeyVersion: 1,
      issuedAt: 1_775_034_000_000,
    });
    expect(plain[0]).toBe(0);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'pension-service', value: plain }] });
    await producer.disconnect();
    // The replay stops on the unframed record by design: its client logs nothing (quietStore).
    const quiet = track(quietStore(testConfig(), { topicNames: { 'agency-codes': topic } }));
    const log = createKafkaAgencyCodeLog({ store: quiet, logger });
    const codes = createCodeRegistry({ store: store(), log, hubKeys, vaultKeys, clock, logger });
    await expect(codes.rebuildFromLog()).rejects.toMatchObject({
      code: 'SCHEMA_NOT_FOUND',
      message: `schema id ${plain.readInt32BE(1)} is not registered`,
    });
  });

  it('rebuilds the code map from the agency code topic so codes stay convertible', async () => {
    const topic = await createTopic('agency-codes');
    const enrolmentTopic = await createTopic('identity-enrolments');
    const events = on({ 'agency-codes': topic, 'identity-enrolments': enrolmentTopic });
    const log = createKafkaAgencyCodeLog({ store: events, logger });
    const vault = createVault({
      store: store(),
      log: createKafkaEnrolmentLog({ store: events, logger }),
      keys: vaultKeys,
      clock,
      logger,
    });
    const person = await vault.enrol(testMyNumbers('kafka-codes', 1)[0] as string);
    const codes = createCodeRegistry({ store: store(), log, hubKeys, vaultKeys, clock, logger });
    const pension = await codes.issueAgencyCode('pension-service', person);
    const converted = await codes.convertCode('pension-service', pension, '131016');
    expect(converted.ok).toBe(true);

    const restored = createCodeRegistry({ store: store(), log, hubKeys, vaultKeys, clock, logger });
    expect(await restored.rebuildFromLog()).toEqual({ entries: 2, codes: 2 });
    expect(await restored.resolveAgencyCode('pension-service', pension)).toEqual({
      ok: true,
      linkageId: person,
    });
    expect(await restored.convertCode('pension-service', pension, '131016')).toEqual(converted);
  });
});
