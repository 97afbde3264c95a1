import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TsunagiError } from '../core/errors.js';
import { createEventStore } from '../platform/event-store.js';
import { createEventWire } from '../platform/event-wire.js';
import { createKafka } from '../platform/kafka.js';
import { eventToJson, type TsunagiEvent } from '../schemas/events.js';
import {
  createTestTopic,
  quietLogger,
  quietStore,
  testConfig,
  testKafka,
  testLogger,
  testStore,
  uniqueName,
} from '../tests/support/infra.js';
import { readTopic } from '../tests/support/read-topic.js';
import { digestOf, disclosureRecorded } from './disclosure.js';
import { createDisclosureRecorder } from './recorder.js';

const config = testConfig();
const wire = createEventWire(config);
const kafka = testKafka(config);
/** The event store with the access trail on `topic` (a test topic of its own). */
const storeOn = (topic: string) => testStore(config, { topicNames: { 'access-trail': topic }, lingerMs: 5 });

const disclosure = (n: number, linkageId = `lnk_trail_${n % 4}_abc`) =>
  disclosureRecorded(
    {
      linkageId,
      requester: '131016',
      officeWork: 'child-allowance-eligibility',
      legalBasisRowId: 'LB-0001',
      provider: '271004',
      itemKind: 'LOCAL_TAX_INCOME',
      outcome: 'DISCLOSED',
      refusalReason: null,
      channel: 'INQUIRY',
      disclosedDigest: digestOf(`payload-${n}`),
      nonDisclosureUntil: null,
    },
    {
      eventId: `evt-trail-${n}`,
      at: new Date('2026-04-01T00:00:00Z'),
      producer: 'gateway',
      correlationId: `req-${n}`,
    },
  );

describe('disclosure recorder on real Kafka', () => {
  let admin: Admin;
  let topic: string;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    topic = await createTestTopic(admin, 'trail', 3);
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('acknowledges each concurrent caller with the position of its own record', async () => {
    const store = storeOn(topic);
    const recorder = createDisclosureRecorder({ store, logger: testLogger() });
    const events = Array.from({ length: 40 }, (_, n) => disclosure(n));
    const positions = await Promise.all(events.map((event) => recorder.record(event)));
    await recorder.close();
    await store.close();

    expect(new Set(positions.map((p) => `${p.partition}:${p.offset}`)).size).toBe(40);
    const trail = await readTopic(kafka, topic);
    expect(trail).toHaveLength(40);
    for (const [n, position] of positions.entries()) {
      const entry = trail.find((e) => e.partition === position.partition && e.offset === position.offset);
      const event = await wire.decode(entry?.value as Buffer);
      expect(eventToJson(event)).toEqual(eventToJson(events[n] as TsunagiEvent));
      expect(entry?.key?.toString()).toBe(events[n]?.data.linkageId);
    }
    // One resident's records share a partition, in the order they were recorded.
    const residentZero = positions.filter((_, n) => n % 4 === 0);
    expect(new Set(residentZero.map((p) => p.partition)).size).toBe(1);
    const offsets = residentZero.map((p) => BigInt(p.offset));
    expect([...offsets].sort((a, b) => (a < b ? -1 : 1))).toEqual(offsets);
  });

  it('rejects with TRAIL_UNAVAILABLE within the timeout when no broker listens', async () => {
    // Failures are expected here: the clients log nothing (tests/support/infra.ts, quietLogger).
    const nowhere = createKafka({ ...config, kafkaBrokers: ['127.0.0.1:1'] }, quietLogger(), {
      principal: 'gateway',
      connectionTimeout: 500,
    });
    const store = createEventStore({
      kafka: nowhere,
      wire,
      topicPrefix: config.TOPIC_PREFIX,
      logger: quietLogger(),
    });
    const recorder = createDisclosureRecorder({ store, logger: quietLogger(), timeoutMs: 1_500 });
    const started = Date.now();
    const outcome = await recorder.record(disclosure(1)).catch((error: unknown) => error);
    const elapsed = Date.now() - started;
    await recorder.close();
    await store.close();

    expect(outcome).toBeInstanceOf(TsunagiError);
    expect((outcome as TsunagiError).code).toBe('TRAIL_UNAVAILABLE');
    expect(elapsed).toBeLessThan(3_000);
  });

  it('rejects with TRAIL_UNAVAILABLE when the trail topic does not exist (no auto-create)', async () => {
    const missing = uniqueName('no-such-trail');
    const store = quietStore(config, { topicNames: { 'access-trail': missing } });
    const recorder = createDisclosureRecorder({ store, logger: quietLogger(), timeoutMs: 1_500 });
    const outcome = await recorder.record(disclosure(2)).catch((error: unknown) => error);
    await recorder.close();
    await store.close();

    expect((outcome as TsunagiError).code).toBe('TRAIL_UNAVAILABLE');
    const topics = await admin.listTopics();
    expect(topics).not.toContain(missing);
  });
});
