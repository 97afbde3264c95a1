import { type Kafka, type Message, Partitioners, type Producer, type ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createPartitionedSender } from './kafka-send.js';

const partitions = (n: number) =>
  Array.from({ length: n }, (_, partitionId) => ({
    partitionId,
    leader: partitionId % 3,
    replicas: [0, 1, 2],
    isr: [0, 1, 2],
    offlineReplicas: [],
    partitionErrorCode: 0,
  }));

function fakes(counts: Record<string, number>, failing?: { topic: string; partition: number }) {
  const sent: ProducerRecord[] = [];
  const kafka = {
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
        topics: topics.map((name) => ({ name, partitions: partitions(counts[name] ?? 0) })),
      }),
    }),
  } as unknown as Kafka;
  const producer = {
    send: async (record: ProducerRecord) => {
      sent.push(record);
      const partition = record.messages[0]?.partition as number;
      if (failing && record.topic === failing.topic && partition === failing.partition)
        throw new Error('connection closed');
      return [{ topicName: record.topic, partition, errorCode: 0, baseOffset: '0' }];
    },
  } as unknown as Producer;
  return { kafka, producer, sent };
}

const keyed = (n: number, prefix = 'lk'): Message[] =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}_${i}`, value: `v${i}` }));

describe('sending one partition per produce request (the kafkajs multi-partition retry loses records)', () => {
  it('splits a batch over topics and partitions into one send each, placed as kafkajs places keys', async () => {
    const { kafka, producer, sent } = fakes({ items: 6, trail: 1 });
    const sender = createPartitionedSender(kafka);
    const items = keyed(60);
    const results = await sender.send(producer, {
      topicMessages: [
        { topic: 'items', messages: items },
        { topic: 'trail', messages: keyed(3, 't') },
      ],
      acks: -1,
      timeout: 1000,
    });
    const reference = Partitioners.DefaultPartitioner();
    for (const record of sent) {
      const [first] = record.messages;
      expect(record.messages.every((m) => m.partition === first?.partition)).toBe(true);
      expect(record).toMatchObject({ acks: -1, timeout: 1000 });
      for (const m of record.messages)
        expect(m.partition).toBe(
          reference({
            topic: record.topic,
            partitionMetadata: partitions(record.topic === 'items' ? 6 : 1),
            message: m,
          }),
        );
    }
    expect(new Set(sent.map((r) => `${r.topic}/${r.messages[0]?.partition}`)).size).toBe(sent.length);
    expect(sent.filter((r) => r.topic === 'items').length).toBe(6);
    expect(results).toHaveLength(sent.length);
    // Order within a partition is the order given.
    const p0 = sent.find((r) => r.topic === 'items' && r.messages[0]?.partition === 0)?.messages ?? [];
    expect(p0.map((m) => m.key)).toEqual(
      items.filter((m) => p0.some((x) => x.key === m.key)).map((m) => m.key),
    );
  });

  it('rejects when any partition was not acknowledged, after every request settled', async () => {
    const { kafka, producer, sent } = fakes({ items: 6 }, { topic: 'items', partition: 2 });
    const sender = createPartitionedSender(kafka);
    await expect(
      sender.send(producer, { topicMessages: [{ topic: 'items', messages: keyed(60) }], acks: -1 }),
    ).rejects.toThrow('connection closed');
    expect(sent).toHaveLength(6);
  });

  it('refuses a topic the metadata does not know', async () => {
    const { kafka, producer, sent } = fakes({});
    const sender = createPartitionedSender(kafka);
    await expect(
      sender.send(producer, { topicMessages: [{ topic: 'missing', messages: keyed(1) }], acks: -1 }),
    ).rejects.toThrow('topic missing has no partitions in the metadata');
    expect(sent).toEqual([]);
  });
});
