import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTopic, SchemaType, testKafka, testRegistry, uniqueName } from '../support/infra.js';

const SmokeSchema = {
  type: 'record',
  name: 'Smoke',
  namespace: 'jp.tsunagi.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'count', type: 'long' },
  ],
};

describe('Avro through the schema registry on real Kafka', () => {
  const kafka = testKafka();
  const registry = testRegistry();
  let admin: Admin;
  let topic: string;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    topic = await createTestTopic(admin, 'smoke-avro', 1);
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('produces a record in the Confluent wire format and consumes it back decoded', async () => {
    const { id: schemaId } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(SmokeSchema) },
      { subject: uniqueName('smoke-value') },
    );
    const encoded = await registry.encode(schemaId, { id: 'smoke-1', count: 42 });

    expect(encoded[0]).toBe(0); // magic byte
    expect(encoded.readInt32BE(1)).toBe(schemaId); // 4-byte schema id, then the Avro body

    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'smoke-1', value: encoded }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName('smoke-group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<unknown>((resolve, reject) => {
      consumer
        .run({ eachMessage: async ({ message }) => resolve(await registry.decode(message.value as Buffer)) })
        .catch(reject);
    });
    await consumer.disconnect();

    expect(received).toEqual({ id: 'smoke-1', count: 42 });
  });
});
