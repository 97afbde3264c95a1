import type { Kafka } from 'kafkajs';
import { readTopic } from '../../support/read-topic.js';

/** A topic's records counted by the `event-id` header (or the key): how many, how many distinct, how many repeats. */
export interface TopicCount {
  records: number;
  distinct: number;
  /** Records beyond the first of their id. */
  repeats: number;
  ids: Set<string>;
}

export async function countTopic(
  kafka: Kafka,
  topic: string,
  idOf: (headers: Record<string, unknown>, key: string) => string = (headers) => String(headers['event-id']),
): Promise<TopicCount> {
  const ids = new Set<string>();
  let records = 0;
  for (const message of await readTopic(kafka, topic)) {
    records++;
    ids.add(idOf(message.headers, String(message.key ?? '')));
  }
  return { records, distinct: ids.size, repeats: records - ids.size, ids };
}

/** Sum of a topic's end offsets (records written so far, all partitions). */
export async function endOffsetSum(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, o) => n + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** One counter or gauge of a Prometheus text page, by metric name and a label it must carry. */
export async function scrapeMetric(url: string, name: string, label: string): Promise<number | undefined> {
  const text = await (await fetch(url, { signal: AbortSignal.timeout(5_000) })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}
