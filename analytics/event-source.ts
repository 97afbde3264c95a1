import type { EventStore, Following } from '../platform/event-store.js';
import type { TsunagiEvent } from '../schemas/events.js';
import type { TopicRef } from '../schemas/topics.js';

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
 * The analytics sink's source: the event store's reader with group-owned offsets (`committed`) in
 * the group `group`, from the earliest offset the first time. Undecodable records reach the sink as
 * `undefined` (counted by `onUndecodable`); a registry outage redelivers the batch.
 */
export function storeEventSource(options: {
  store: Pick<EventStore, 'follow'>;
  topics: readonly TopicRef[];
  group: string;
  fetchMaxBytes?: number;
  onUndecodable?(topic: string): void;
}): EventSource {
  let following: Following | undefined;
  return {
    async follow(handle) {
      following = await options.store.follow(
        options.topics,
        { kind: 'committed', group: options.group, initial: 'earliest' },
        async (batch, context) => {
          const records = batch.records.map((r) => {
            if (r.kind === 'rejected') options.onUndecodable?.(batch.topic);
            return { offset: r.position.offset, event: r.kind === 'event' ? r.event : undefined };
          });
          await handle({ ...batch, records }, context);
        },
        { maxBytesPerPartition: options.fetchMaxBytes ?? 4_194_304 },
      );
    },
    async stop() {
      await following?.stop();
    },
  };
}
