import type { Kafka } from 'kafkajs';
import { follow } from '../../platform/log-reader.js';
import { createLogger } from '../../platform/logger.js';

export interface TopicRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

/**
 * Every record on a topic (full name) up to its end offsets at the call, in partition then offset
 * order, as bytes: through the platform's reader (platform/log-reader.ts), under a throw-away group.
 */
export async function readTopic(kafka: Kafka, topic: string): Promise<TopicRecord[]> {
  return (await readTopics(kafka, [topic])).get(topic) ?? [];
}

/** readTopic for several topics under one group: one join instead of one per topic (the privacy scans). */
export async function readTopics(
  kafka: Kafka,
  topics: readonly string[],
): Promise<Map<string, TopicRecord[]>> {
  const byTopic = new Map<string, TopicRecord[]>(topics.map((t) => [t, []]));
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const following = await follow(
    { kafka, logger, decode: (value: Buffer) => value },
    topics,
    { kind: 'earliest', groupPrefix: 'test-read-' },
    (batch) => {
      const records = byTopic.get(batch.topic) ?? [];
      for (const r of batch.records)
        records.push({
          partition: r.position.partition,
          offset: r.position.offset,
          key: r.key === null ? null : Buffer.from(r.key, 'utf8'),
          value: r.kind === 'event' ? r.event : null,
          headers: r.headers,
          timestamp: r.timestamp,
        });
      byTopic.set(batch.topic, records);
    },
    { until: 'caught-up' },
  );
  await following.done;
  for (const records of byTopic.values())
    records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  return byTopic;
}
