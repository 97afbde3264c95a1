import type { Kafka } from 'kafkajs';
import type { EventWire } from '../platform/event-wire.js';
import type { Logger } from '../platform/logger.js';
import { createGeneration, promoteGeneration } from './generations.js';
import { createProjectionMetrics } from './metrics.js';
import type { Projection } from './projection.js';
import { createProjectionRunner } from './runner.js';
import { offsetKey } from './store.js';

export interface ReplayResult {
  generation: string;
  /** Records read (end minus start offsets over all partitions). */
  records: number;
  elapsedMs: number;
}

/** `topic/partition` → high watermark, for partitions that hold records. */
export async function endOffsets(kafka: Kafka, topics: readonly string[]): Promise<Map<string, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map<string, string>();
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) ends.set(offsetKey(topic, p.partition), p.high);
      }
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Rebuilds a projection from offset zero into a fresh generation, up to the end offsets seen when
 * the replay started, then promotes it atomically (generations.ts). A runner live on the old
 * generation notices the promotion at its next batch and continues on the new one from the new
 * one's offsets, so nothing is lost or applied twice; readers pick it up on their next refresh.
 */
export async function replayProjection(options: {
  projection: Projection<unknown>;
  kafka: Kafka;
  storeRoot: string;
  /** The runner's wire (platform/event-wire.ts); decodes events unless the projection brings a decoder. */
  wire: EventWire;
  logger: Logger;
  /** Build the generation but leave `current` alone (for comparisons). */
  promote?: boolean;
}): Promise<ReplayResult> {
  const started = performance.now();
  const ends = await endOffsets(options.kafka, options.projection.topics);
  const generation = createGeneration(options.storeRoot, options.projection.name);
  const runner = createProjectionRunner({
    ...options,
    metrics: createProjectionMetrics(),
    replay: { generation, endOffsets: ends },
  });
  await runner.start();
  await runner.finished;
  await runner.stop();
  if (options.promote ?? true) promoteGeneration(options.storeRoot, options.projection.name, generation);
  const records = [...ends.values()].reduce((sum, end) => sum + Number(end), 0);
  return { generation, records, elapsedMs: performance.now() - started };
}
