import { setTimeout as sleep } from 'node:timers/promises';
import { TsunagiError } from '../core/errors.js';
import type { Logger } from '../platform/logger.js';
import type { TsunagiEvent } from '../schemas/events.js';
import type { BatchContext, EventSource, SourceBatch } from './event-source.js';
import type { FactWriter } from './fact-writer.js';
import type { SinkMetrics } from './metrics.js';
import { planFacts, revokedRefs } from './plan.js';

export interface SinkDeps {
  source: EventSource;
  writer: FactWriter;
  metrics: SinkMetrics;
  logger: Logger;
  /** Longest pause between retries while ClickHouse fails. */
  retryMaxMs?: number;
  /** First pause; doubles up to retryMaxMs. */
  retryInitialMs?: number;
  wait?: (ms: number) => Promise<void>;
}

/**
 * Kafka → ClickHouse facts. Exactly-once in effect: per partition batch, the facts are mapped
 * (pure), the ids already in ClickHouse are skipped, the rest inserted (FactWriter.insertNew), and
 * only after ClickHouse acknowledged the inserts is the offset committed (by the source). A crash between insert and commit
 * redelivers the batch, whose ids are then found and skipped, so rollups count each event once.
 * While ClickHouse is down the batch is retried with exponential backoff (consumption pauses,
 * the group membership is kept alive), then consumption catches up: nothing is lost or doubled.
 */
export function createAnalyticsSink(deps: SinkDeps) {
  const { writer, metrics, logger } = deps;
  const wait = deps.wait ?? ((ms: number) => sleep(ms));
  const maxMs = deps.retryMaxMs ?? 30_000;
  let stopped = false;

  async function store(events: readonly TsunagiEvent[]): Promise<void> {
    const grants = await writer.grants(revokedRefs(events));
    for (const { table, rows } of planFacts(events, (ref) => grants.get(ref))) {
      const { inserted, duplicates } = await writer.insertNew(table, rows);
      metrics.inserted.inc({ table }, inserted);
      metrics.duplicates.inc({ table }, duplicates);
    }
  }

  async function handle(batch: SourceBatch, context: BatchContext): Promise<void> {
    const events = batch.records.flatMap((r) => (r.event ? [r.event] : []));
    for (let pause = deps.retryInitialMs ?? 250; ; pause = Math.min(pause * 2, maxMs)) {
      try {
        await store(events);
        metrics.clickhouseUp.set(1);
        break;
      } catch (error) {
        metrics.clickhouseUp.set(0);
        metrics.retries.inc();
        const code = error instanceof TsunagiError ? error.code : 'INTERNAL';
        logger.warn(
          { code, topic: batch.topic, partition: batch.partition, retryInMs: pause },
          'ClickHouse insert failed; pausing',
        );
        await wait(pause);
        await context.heartbeat();
        if (stopped || !context.isCurrent())
          throw new TsunagiError(
            'ANALYTICS_UNAVAILABLE',
            'sink stopped or partition reassigned before ClickHouse returned',
          );
      }
    }
    const last = batch.records.at(-1)?.offset ?? '0';
    metrics.lag.set(
      { topic: batch.topic, partition: String(batch.partition) },
      Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(last) - 1n)),
    );
  }

  return {
    /** Resolves once the consumer runs; batches are then stored in the background. */
    start: () => deps.source.follow(handle),
    async stop() {
      stopped = true;
      await deps.source.stop();
    },
  };
}
export type AnalyticsSink = ReturnType<typeof createAnalyticsSink>;
