import type { Consumer, Kafka } from 'kafkajs';
import { isTsunagiError } from '../core/errors.js';
import type { EventWire } from '../platform/event-wire.js';
import type { Logger } from '../platform/logger.js';
import type { TsunagiEvent } from '../schemas/events.js';

/** One partition's records, decoded; `event` is undefined for a tombstone or an undecodable record. */
export interface SourceBatch {
  topic: string;
  partition: number;
  records: Array<{ offset: string; event: TsunagiEvent | undefined }>;
  /** The partition's end offset when the batch was fetched (for the lag metric). */
  highWatermark: string;
}

export interface BatchContext {
  /** Keeps the group membership alive while the handler waits (e.g. for ClickHouse to return). */
  heartbeat(): Promise<void>;
  /** False once the consumer stops or the group rebalances: the handler should give up (it is redelivered). */
  isCurrent(): boolean;
}

export interface EventSource {
  /**
   * Follows `topics` from the group's committed offsets (from the beginning the first time). Each
   * batch is handed to `handle`; the partition's offset is committed only after `handle` resolved,
   * so a crash or rebalance redelivers the batch (at least once; the sink makes it idempotent).
   */
  follow(handle: (batch: SourceBatch, context: BatchContext) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The ONE place analytics reads Kafka (kafkajs consumer group), so the planned event-store port
 * (`follow(topics, from, handler)`) can replace it without touching the sink.
 */
export function kafkaEventSource(options: {
  kafka: Kafka;
  topics: readonly string[];
  groupId: string;
  wire: Pick<EventWire, 'decode'>;
  logger: Logger;
  fetchMaxBytes?: number;
  onUndecodable?(topic: string): void;
}): EventSource {
  const { logger } = options;
  let consumer: Consumer | undefined;
  return {
    async follow(handle) {
      consumer = options.kafka.consumer({
        groupId: options.groupId,
        sessionTimeout: 30_000,
        maxBytesPerPartition: options.fetchMaxBytes ?? 4_194_304,
        allowAutoTopicCreation: false,
        // A fresh broker answers NOT_COORDINATOR until __consumer_offsets is ready: keep trying.
        retry: { retries: 10 },
      });
      const running = consumer;
      running.on(running.events.CRASH, ({ payload }) =>
        logger.error({ err: payload.error, restart: payload.restart }, 'analytics consumer crashed'),
      );
      await running.connect();
      for (const topic of options.topics) await running.subscribe({ topic, fromBeginning: true });
      await running.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
          if (!isRunning() || isStale() || batch.isEmpty()) return;
          const records: SourceBatch['records'] = [];
          for (const message of batch.messages) {
            let event: TsunagiEvent | undefined;
            if (message.value) {
              try {
                event = await options.wire.decode(message.value);
              } catch (error) {
                if (isTsunagiError(error) && error.retriable) throw error; // registry down: redeliver
                options.onUndecodable?.(batch.topic);
                logger.warn(
                  { topic: batch.topic, partition: batch.partition, offset: message.offset },
                  'undecodable record skipped',
                );
              }
            }
            records.push({ offset: message.offset, event });
          }
          await handle(
            { topic: batch.topic, partition: batch.partition, records, highWatermark: batch.highWatermark },
            { heartbeat, isCurrent: () => isRunning() && !isStale() },
          );
          resolveOffset(batch.lastOffset());
          const next = (BigInt(batch.lastOffset()) + 1n).toString();
          await running.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
        },
      });
    },
    async stop() {
      await consumer?.disconnect();
    },
  };
}
