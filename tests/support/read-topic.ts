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
  const records: TopicRecord[] = [];
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const following = await follow(
    { kafka, logger, decode: (value: Buffer) => value },
    [topic],
    { kind: 'earliest', groupPrefix: 'test-read-' },
    (batch) => {
      for (const r of batch.records)
        records.push({
          partition: r.position.partition,
          offset: r.position.offset,
          key: r.key === null ? null : Buffer.from(r.key, 'utf8'),
          value: r.kind === 'event' ? r.event : null,
          headers: r.headers,
          timestamp: r.timestamp,
        });
    },
    { until: 'caught-up' },
  );
  await following.done;
  return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}
