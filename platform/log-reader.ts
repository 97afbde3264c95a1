import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { type ErrorCode, isTsunagiError, TsunagiError } from '../core/errors.js';
import type { Logger } from './logger.js';
import { type LogPosition, partitionKey } from './positions.js';
import { committedOffsets, pinStartPositions, readProgress } from './read-progress.js';

/**
 * Where a reader starts and who owns its offsets (docs/event-store.md, "Offsets"):
 * - `earliest`: every record from the start, nothing committed; for a view kept in memory and for
 *   tools that read a topic to its end. A fresh group under `groupPrefix` each time.
 * - `stored`: the caller keeps its offsets WITH its state (the projector's lmdb transaction, the
 *   Merkle log's integrated size): each assigned partition is seeked to `offsetOf`, records below
 *   it are not delivered, and nothing is committed to Kafka. The group only assigns partitions.
 * - `committed`: the group owns the offsets; a batch's next offset is committed after the handler
 *   returned (at least once: a crash redelivers it). `initial` is where a group without committed
 *   offsets starts.
 * Group names must lie under the principal's ACL group prefix (platform/consumer-groups.ts).
 */
export type FollowFrom =
  | { kind: 'earliest'; groupPrefix: string }
  | { kind: 'stored'; group: string; offsetOf(topic: string, partition: number): string | undefined }
  | { kind: 'committed'; group: string; initial: 'earliest' | 'latest' };

/** One record as a reader sees it: decoded, a tombstone, or refused by the decoder (with its code). */
export type ReadRecord<E> = {
  position: LogPosition;
  key: string | null;
  /** Record timestamp, epoch milliseconds as a decimal string. */
  timestamp: string;
  headers: Record<string, string>;
} & ({ kind: 'event'; event: E } | { kind: 'tombstone' } | { kind: 'rejected'; code: ErrorCode });

export interface ReadBatch<E> {
  topic: string;
  partition: number;
  records: Array<ReadRecord<E>>;
  /** The partition's end offset when the batch was fetched (for lag). */
  highWatermark: string;
}

export interface BatchContext {
  /** Keeps the group membership alive while the handler waits. */
  heartbeat(): Promise<void>;
  /** False once the reader stops or the group rebalances: the batch will come again. */
  isCurrent(): boolean;
  /** `stored` only: seeks every assigned partition to `offsetOf` again (the state was swapped). */
  rewind(): void;
}

export type BatchHandler<E> = (batch: ReadBatch<E>, context: BatchContext) => void | Promise<void>;

export interface FollowOptions<E> {
  /** Bytes → record; default the event wire's `decode` (domain events). */
  decode?: (value: Buffer) => E | Promise<E>;
  /** Stop by itself once every record on the topics at the start was handled. */
  until?: 'caught-up';
  maxBytesPerPartition?: number;
  /** A fetch waits for this much data, or `maxWaitMs` (delivery rounds). */
  minBytes?: number;
  maxWaitMs?: number;
  /** Batches of this many partitions are handled concurrently; default 1. */
  concurrency?: number;
  sessionTimeoutMs?: number;
}

export interface Following {
  /** Resolves once every record that was on the topics when following began has been handled. */
  readonly caughtUp: Promise<void>;
  /** Settles when following ends: resolves after `stop()` or `until`, rejects with what stopped it. */
  readonly done: Promise<void>;
  /** Resolves when every record on the topics now has been handled; BROKER_UNAVAILABLE after the timeout. */
  catchUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** kafkajs wraps what a handler threw; callers get our own typed error back. */
const unwrap = (error: unknown): unknown => {
  for (let e = error as { cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (isTsunagiError(e)) return e;
  return error;
};

/**
 * THE catch-up-and-follow reader. Guarantees: per partition, records reach the handler in offset
 * order, one batch at a time, and a partition's position advances only after its handler resolved.
 * A decode failure that may pass (registry down: a retriable error) or a retriable error thrown by the
 * handler makes kafkajs deliver the batch again (and restart the consumer after its retries); any
 * other error stops the reader, and `done` rejects with it. Undecodable records are handed over as
 * `rejected` (never skipped silently) and logged with their position only.
 */
export async function follow<E>(
  deps: { kafka: Kafka; logger: Logger; decode: (value: Buffer) => E | Promise<E> },
  topics: readonly string[],
  from: FollowFrom,
  handler: BatchHandler<E>,
  options: FollowOptions<E> = {},
): Promise<Following> {
  const logger = deps.logger.child({ component: 'log-reader' });
  const decode = options.decode ?? deps.decode;
  const group = from.kind === 'earliest' ? `${from.groupPrefix}${randomUUID()}` : from.group;
  const admin: Admin = deps.kafka.admin();
  await admin.connect();
  let committed = new Map<string, bigint>();
  const startOf = (topic: string, p: { partition: number; low: string; high: string }): bigint => {
    const stored = from.kind === 'stored' ? from.offsetOf(topic, p.partition) : undefined;
    if (stored !== undefined) return BigInt(stored);
    const kept = committed.get(partitionKey(topic, p.partition));
    if (kept !== undefined) return kept;
    return from.kind === 'committed' && from.initial === 'latest' ? BigInt(p.high) : BigInt(p.low);
  };
  const progress = readProgress(admin, topics, startOf);
  let startEnds: Map<string, bigint>;
  try {
    if (from.kind === 'committed') {
      committed = await committedOffsets(admin, group, topics);
      const pinned = await pinStartPositions(admin, group, topics, committed, startOf);
      if (pinned === 'group-active') logger.info({ group }, 'start positions left to the active group');
    }
    startEnds = await progress.endsNow();
  } catch (error) {
    await admin.disconnect().catch(() => undefined);
    throw error;
  }

  let finish: (error?: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = (error) => (error === undefined ? resolve() : reject(error));
  });
  done.catch(() => undefined);
  const consumer: Consumer = deps.kafka.consumer({
    groupId: group,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
    ...(options.minBytes === undefined ? {} : { minBytes: options.minBytes }),
    ...(options.maxWaitMs === undefined ? {} : { maxWaitTimeInMs: options.maxWaitMs }),
    allowAutoTopicCreation: false,
    // A fresh broker answers NOT_COORDINATOR until __consumer_offsets is ready: keep trying.
    retry: { retries: 10 },
  });
  let assigned: Array<{ topic: string; partition: number }> = [];
  const verified = new Set<string>();
  const rewind = () => {
    if (from.kind !== 'stored') return;
    verified.clear();
    for (const { topic, partition } of assigned) {
      const stored = from.offsetOf(topic, partition);
      if (stored !== undefined) consumer.seek({ topic, partition, offset: stored });
    }
  };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    assigned = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
      partitions.map((partition) => ({ topic, partition })),
    );
    rewind();
  });
  // kafkajs keeps only the cause of an error it does not retry: the handler's own error is kept here.
  let stoppedBy: unknown;
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) {
      logger.warn({ group, err: { message: String(payload.error) } }, 'reader restarts after a failure');
      return;
    }
    finish(stoppedBy ?? unwrap(payload.error));
  });

  const toRecord = async (
    topic: string,
    partition: number,
    message: KafkaMessage,
  ): Promise<ReadRecord<E>> => {
    const base = {
      position: { topic, partition, offset: message.offset },
      key: message.key?.toString('utf8') ?? null,
      timestamp: message.timestamp,
      headers: Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
      ),
    };
    if (!message.value) return { ...base, kind: 'tombstone' };
    try {
      return { ...base, kind: 'event', event: await decode(message.value) };
    } catch (cause) {
      if (isTsunagiError(cause) && cause.retriable) throw cause;
      const code = isTsunagiError(cause) ? cause.code : 'INPUT_INVALID';
      logger.warn({ topic, partition, offset: message.offset, code }, 'undecodable record');
      return { ...base, kind: 'rejected', code };
    }
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
    const { topic, partition } = batch;
    if (!isRunning() || isStale() || batch.isEmpty()) return;
    const key = partitionKey(topic, partition);
    const stored = from.kind === 'stored' ? from.offsetOf(topic, partition) : undefined;
    const first = batch.firstOffset();
    if (stored !== undefined && !verified.has(key) && first !== null && BigInt(first) > BigInt(stored)) {
      // The fetch started past the stored offset (a seek raced the first fetch): go back once.
      verified.add(key);
      consumer.seek({ topic, partition, offset: stored });
      return;
    }
    verified.add(key);
    const fresh = batch.messages.filter((m) => stored === undefined || BigInt(m.offset) >= BigInt(stored));
    const records: Array<ReadRecord<E>> = [];
    for (const message of fresh) records.push(await toRecord(topic, partition, message));
    const context = { heartbeat, isCurrent: () => isRunning() && !isStale(), rewind };
    try {
      if (records.length > 0)
        await handler({ topic, partition, records, highWatermark: batch.highWatermark }, context);
    } catch (error) {
      if (isTsunagiError(error) && !error.retriable) stoppedBy = error;
      throw error;
    }
    const last = batch.lastOffset();
    resolveOffset(last);
    const next = BigInt(last) + 1n;
    if (from.kind === 'committed')
      await consumer.commitOffsets([{ topic, partition, offset: next.toString() }]);
    progress.advance(key, next);
    await heartbeat();
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await consumer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    progress.wakeAll();
    finish();
  };
  try {
    await consumer.connect();
    await consumer.subscribe({
      topics: [...topics],
      fromBeginning: !(from.kind === 'committed' && from.initial === 'latest'),
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.concurrency ?? 1,
      eachBatch,
    });
  } catch (error) {
    await stop();
    throw unwrap(error);
  }
  const caughtUp = Promise.race([
    progress.waitFor(startEnds),
    done.then(() => {
      if (!progress.reached(startEnds))
        throw new TsunagiError('BROKER_UNAVAILABLE', `stopped before ${topics.join(', ')} was caught up`);
    }),
  ]);
  caughtUp.catch(() => undefined);
  if (options.until === 'caught-up') void caughtUp.then(stop, () => undefined);
  return {
    caughtUp,
    done,
    catchUp: async (timeoutMs = 30_000) => progress.waitFor(await progress.endsNow(), timeoutMs),
    stop,
  };
}
