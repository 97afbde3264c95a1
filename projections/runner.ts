import { randomUUID } from 'node:crypto';
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { isTsunagiError } from '../core/errors.js';
import type { EventWire } from '../platform/event-wire.js';
import type { Logger } from '../platform/logger.js';
import { applyBatch, type DecodedRecord } from './apply-batch.js';
import { currentGeneration } from './generations.js';
import type { ProjectionMetrics } from './metrics.js';
import type { Projection, RecordPosition } from './projection.js';
import { OFFSETS, offsetKey, openCurrentStore, openStoreAt, type ProjectionStore } from './store.js';

export interface ProjectionRunnerOptions<E> {
  projection: Projection<E>;
  kafka: Kafka;
  /** Folder holding every projection's store (`<storeRoot>/<projection>/current`). */
  storeRoot: string;
  /** Decodes registry-framed records when the projection brings no decoder of its own. */
  wire: EventWire;
  logger: Logger;
  metrics: ProjectionMetrics;
  /** Replay: build this (not yet current) generation and finish at these end offsets (`topic/partition` → offset). */
  replay?: { generation: string; endOffsets: ReadonlyMap<string, string> };
  /** Fetch size per partition (one batch is at most this much); default 1 MiB. */
  fetchMaxBytes?: number;
}

export interface ProjectionRunner {
  /** Resolves once the consumer runs; records are then applied in the background. */
  start(): Promise<void>;
  /** Replay only: resolves when every partition reached its end offset. */
  readonly finished: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs one projection. Exactly-once effect: each batch of one partition is decoded, applied and
 * committed in ONE lmdb transaction together with the partition's next offset, and records below the
 * offset read inside that transaction are skipped. Kafka consumer-group offsets are never committed;
 * the group (one per process) only assigns partitions, and on assignment each partition is seeked to
 * the offset stored with the state. A crash at any instant leaves the store at the last committed
 * batch, and consumption resumes right after it.
 */
export function createProjectionRunner<E>(options: ProjectionRunnerOptions<E>): ProjectionRunner {
  const { projection, kafka, storeRoot, metrics, replay } = options;
  const logger = options.logger.child({ component: 'projections', projection: projection.name });
  const decode = (bytes: Buffer): Promise<E> | E =>
    projection.decode ? projection.decode(bytes, options.wire) : (options.wire.decode(bytes) as Promise<E>);
  const consumer = kafka.consumer({
    groupId: `tsunagi-projection-${projection.name}-${randomUUID()}`,
    sessionTimeout: 15_000,
    maxBytesPerPartition: options.fetchMaxBytes ?? 1_048_576,
    allowAutoTopicCreation: false,
  });
  let store: ProjectionStore = replay
    ? openStoreAt(replay.generation, { tables: projection.tables, durable: false })
    : openCurrentStore(storeRoot, projection.name, projection.tables);
  let assigned: Array<{ topic: string; partition: number }> = [];
  const verified = new Set<string>();
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });

  const seekToStored = () => {
    verified.clear();
    for (const { topic, partition } of assigned) {
      const stored = store.read.get<string>(OFFSETS, offsetKey(topic, partition));
      if (stored !== undefined) consumer.seek({ topic, partition, offset: stored });
    }
  };
  const checkFinished = () => {
    if (!replay) return;
    const offsets = store.offsets();
    const done = [...replay.endOffsets].every(([tp, end]) => BigInt(offsets.get(tp) ?? '0') >= BigInt(end));
    if (done) finish();
  };

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    assigned = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
      partitions.map((partition) => ({ topic, partition })),
    );
    seekToStored();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error({ err: payload.error, restart: payload.restart }, 'projection consumer crashed');
  });

  async function decodeRecord(message: KafkaMessage, at: RecordPosition): Promise<DecodedRecord<E>> {
    if (!message.value) return { at, kind: 'tombstone' };
    try {
      return { at, kind: 'event', event: await decode(message.value) };
    } catch (cause) {
      if (isTsunagiError(cause) && cause.retriable) throw cause; // e.g. registry down: retry the batch
      return { at, kind: 'rejected', code: isTsunagiError(cause) ? cause.code : 'INPUT_INVALID' };
    }
  }

  async function eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) {
    const { topic, partition } = batch;
    if (!isRunning() || isStale() || batch.isEmpty()) return;
    if (!replay && currentGeneration(storeRoot, projection.name) !== store.generation) {
      // A replay promoted a new generation: continue on it from ITS offsets.
      const previous = store;
      store = openCurrentStore(storeRoot, projection.name, projection.tables);
      await previous.close();
      logger.info('switched to the promoted store generation');
      seekToStored();
      return;
    }
    const tp = offsetKey(topic, partition);
    const stored = store.read.get<string>(OFFSETS, tp);
    const first = batch.firstOffset();
    if (stored !== undefined && !verified.has(tp) && first !== null && BigInt(first) > BigInt(stored)) {
      // The fetch started past our stored offset (seek raced the first fetch): go back once.
      verified.add(tp);
      consumer.seek({ topic, partition, offset: stored });
      return;
    }
    verified.add(tp);
    const fresh = batch.messages.filter((m) => stored === undefined || BigInt(m.offset) >= BigInt(stored));
    const records: Array<DecodedRecord<E>> = [];
    for (const message of fresh)
      records.push(await decodeRecord(message, { topic, partition, offset: message.offset }));
    if (records.length === 0) return;
    const tally = store.transaction((tx) => applyBatch(projection, tx, tp, records));
    metrics.applied.inc({ projection: projection.name }, tally.applied);
    metrics.duplicates.inc({ projection: projection.name }, tally.duplicates);
    metrics.gaps.inc({ projection: projection.name }, tally.gaps.length);
    metrics.rejected.inc({ projection: projection.name }, tally.rejected);
    for (const gap of tally.gaps) logger.warn(gap, 'sequence gap: applied and listed in the gaps table');
    if (tally.rejected > 0)
      logger.warn({ topic, partition, count: tally.rejected }, 'undecodable records skipped');
    const last = fresh[fresh.length - 1]?.offset ?? first ?? '0';
    resolveOffset(last);
    metrics.lag.set(
      { projection: projection.name, topic, partition },
      Number(BigInt(batch.highWatermark) - BigInt(last) - 1n),
    );
    await heartbeat();
    checkFinished();
  }

  return {
    finished,
    async start() {
      if (replay && replay.endOffsets.size === 0) finish();
      await consumer.connect();
      for (const topic of projection.topics) await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
      logger.info({ topics: projection.topics.length }, 'projection running');
    },
    async stop() {
      await consumer.disconnect();
      await store.close();
      logger.info('projection stopped');
    },
  };
}
