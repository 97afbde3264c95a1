import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InfraConfig } from '../../platform/config.js';
import { createEventWire } from '../../platform/event-wire.js';
import { schemaRegistryClientProperties } from '../../platform/kafka-client-properties.js';
import { librdkafkaProperties } from '../../platform/kafka-credentials.js';
import { registrySubject, schemaPath } from '../../schemas/catalogue.js';
import type { ConsentGranted, TsunagiEvent } from '../../schemas/events.js';
import { SAMPLE_EVENTS } from '../../schemas/testing/samples.js';
import { Topics, topicName } from '../../schemas/topics.js';
import { testConfig, testKafka, testStore } from '../support/infra.js';
import { runPythonJson, stockPythonClient } from '../support/python-venv.js';
import { readTopic } from '../support/read-topic.js';
import { isolatedTopics } from '../support/topics.js';

/**
 * An outside team's view: confluent-kafka for Python from PyPI, configured only with standard
 * options (record_subject_name_strategy), reads and writes our topics through the registry.
 */
const SCRIPT = fileURLToPath(new URL('./stock_client.py', import.meta.url));

interface Consumed {
  key: string;
  schemaId: number;
  value: Record<string, unknown> & { envelope: Record<string, unknown> };
}
interface StockResult {
  consumed: Record<string, Consumed[]>;
  produced: { subject: string; schemaId: number };
}

const sample = <T extends TsunagiEvent = TsunagiEvent>(folder: string, version: number): T => {
  const event = SAMPLE_EVENTS[folder]?.[version];
  if (!event) throw new Error(`no sample ${folder} v${version}`);
  return event as T;
};
const latestId = async (config: InfraConfig, folder: string): Promise<number> => {
  const subject = encodeURIComponent(registrySubject(folder));
  const response = await fetch(`${config.registryCcompatUrl}/subjects/${subject}/versions/latest`);
  return ((await response.json()) as { id: number }).id;
};

describe('a stock Python confluent-kafka client reads and writes Tsunagi topics', () => {
  let config: InfraConfig;
  let python: string;
  let result: StockResult;
  const kafka = testKafka();
  const granted = sample<ConsentGranted>('consent-granted', 2);
  const revoked = sample('consent-revoked', 1);
  const item = sample('information-item-published', 1);
  // What the outside team writes: a consent granted through its own channel.
  const theirs: ConsentGranted = {
    type: 'ConsentGranted',
    envelope: {
      eventId: 'partner-evt-0001',
      occurredAt: new Date('2025-05-01T01:02:03.004Z'),
      recordedAt: new Date('2025-05-01T01:02:04.000Z'),
      producer: 'partner-portal',
      correlationId: 'partner-req-0001',
    },
    data: {
      consentId: 'consent-partner-0001',
      linkageId: 'lk_PartnerTeam0001',
      recipient: 'mykey-portal',
      purpose: 'self-information: pension check',
      items: ['PENSION_BENEFIT_AMOUNT'],
      validFrom: new Date('2025-05-01T00:00:00.000Z'),
      validUntil: new Date('2025-11-01T00:00:00.000Z'),
      maxUses: null,
      channel: 'partner-portal',
    },
  };

  beforeAll(async () => {
    python = await stockPythonClient(testConfig().home);
    config = await isolatedTopics('interop');
    const store = testStore(config);
    try {
      await store.append([granted, revoked, item]);
    } finally {
      await store.close();
    }
    const consents = topicName(config.TOPIC_PREFIX, Topics.consents);
    result = (await runPythonJson(python, SCRIPT, {
      // The test's own `test.*` topics are the admin's; a real outside team uses its agency principal.
      kafka: librdkafkaProperties(config, 'admin'),
      registry: schemaRegistryClientProperties(config),
      consume: [
        { topic: consents, count: 2 },
        { topic: topicName(config.TOPIC_PREFIX, Topics.informationItems), count: 1 },
      ],
      produce: {
        topic: consents,
        key: theirs.data.linkageId,
        schemaFile: schemaPath('consent-granted', 2),
        value: {
          envelope: {
            ...theirs.envelope,
            type: theirs.type,
            occurredAt: theirs.envelope.occurredAt.getTime(),
            recordedAt: theirs.envelope.recordedAt.getTime(),
          },
          ...theirs.data,
          validFrom: theirs.data.validFrom.getTime(),
          validUntil: theirs.data.validUntil.getTime(),
        },
      },
    })) as StockResult;
  }, 900_000);

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => config && t.startsWith(config.TOPIC_PREFIX));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  it('decodes our events with the stock AvroDeserializer: two record types on one topic', async () => {
    const consents = result.consumed[topicName(config.TOPIC_PREFIX, Topics.consents)] ?? [];
    const byType = new Map(consents.map((c) => [c.value.envelope.type, c]));
    const g = byType.get('ConsentGranted');
    expect(g?.schemaId).toBe(await latestId(config, 'consent-granted'));
    expect(g?.key).toBe(granted.data.linkageId);
    expect(g?.value).toMatchObject({
      consentId: granted.data.consentId,
      recipient: granted.data.recipient,
      items: granted.data.items,
      maxUses: granted.data.maxUses,
      channel: granted.data.channel,
      envelope: { eventId: granted.envelope.eventId, producer: granted.envelope.producer },
    });
    expect(Date.parse(String(g?.value.validFrom))).toBe(granted.data.validFrom.getTime());
    expect(Date.parse(String(g?.value.envelope.recordedAt))).toBe(granted.envelope.recordedAt.getTime());
    const r = byType.get('ConsentRevoked');
    expect(r?.schemaId).toBe(await latestId(config, 'consent-revoked'));
    expect(r?.value).toMatchObject({ consentId: 'consent-0001', reason: 'resident request' });
  });

  it('decodes yen decimals, calendar dates and the payload union as a stock reader sees them', () => {
    const [published] = result.consumed[topicName(config.TOPIC_PREFIX, Topics.informationItems)] ?? [];
    expect(published?.value).toMatchObject({
      provider: '271004',
      itemKind: 'LOCAL_TAX_INCOME',
      validAsOf: '2024-06-01',
      payload: [
        'jp.tsunagi.events.LocalTaxIncome',
        {
          fiscalYear: 2024,
          taxableIncome: '999999999999999',
          municipalTax: '182400',
          prefecturalTax: '-1',
        },
      ],
    });
  });

  it('produces with the stock AvroSerializer and record_subject_name_strategy; our wire decodes it', async () => {
    expect(result.produced).toEqual({
      subject: 'jp.tsunagi.events.ConsentGranted',
      schemaId: await latestId(config, 'consent-granted'),
    });
    const wire = createEventWire(config);
    const values = (await readTopic(kafka, topicName(config.TOPIC_PREFIX, Topics.consents))).map(
      (m) => m.value as Buffer,
    );
    const decoded = await Promise.all(values.map((v) => wire.decode(v)));
    expect(decoded).toContainEqual(theirs);
  });
});
