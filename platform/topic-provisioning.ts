import kafkajs, { type Admin } from 'kafkajs';
import { type TopicSpec, topicName } from '../schemas/topics.js';
import type { Logger } from './logger.js';
import { waitForTopicLeaders } from './topic-leaders.js';

const topicConfig = (spec: Pick<TopicSpec, 'cleanupPolicy' | 'retentionMs'>) => [
  { name: 'cleanup.policy', value: spec.cleanupPolicy },
  { name: 'retention.ms', value: String(spec.retentionMs) },
];

/**
 * Creates missing topics with explicit partitions, cleanup policy and retention, and
 * brings the configs of existing ones back to the spec. Never deletes or shrinks:
 * a partition count below the spec is reported, because changing it would move keys.
 */
export async function provisionTopics(
  admin: Admin,
  prefix: string,
  replicationFactor: number,
  specs: readonly Omit<TopicSpec, 'key' | 'description'>[],
  logger: Logger,
): Promise<{ created: string[]; existing: string[] }> {
  const existing = new Set(await admin.listTopics());
  const wanted = specs.map((s) => ({ ...s, topic: topicName(prefix, s.name) }));
  const missing = wanted.filter((s) => !existing.has(s.topic));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor,
        configEntries: topicConfig(s),
      })),
    });
    await waitForTopicLeaders(
      admin,
      missing.map((s) => s.topic),
    );
  }
  const present = wanted.filter((s) => existing.has(s.topic));
  if (present.length > 0) {
    await admin.alterConfigs({
      validateOnly: false,
      resources: present.map((s) => ({
        type: kafkajs.ConfigResourceTypes.TOPIC,
        name: s.topic,
        configEntries: topicConfig(s),
      })),
    });
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((s) => s.topic) });
    for (const t of metadata.topics) {
      const spec = present.find((s) => s.topic === t.name);
      if (spec && t.partitions.length !== spec.partitions) {
        logger.warn(
          { topic: t.name, partitions: t.partitions.length, wanted: spec.partitions },
          'partition count differs from spec (a topic cannot shrink: reset a development stack with `npm run infra -- reset`)',
        );
      }
    }
  }
  return { created: missing.map((s) => s.topic), existing: present.map((s) => s.topic) };
}
