import { randomUUID } from 'node:crypto';
import { CONSUMER_GROUPS } from '../platform/consumer-groups.js';
import type { EventStore, Following, ReadBatch } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';
import { partitionKey } from '../platform/positions.js';
import { OFFSETS, type ViewDefinition } from '../platform/view.js';
import { applyBatch } from '../platform/view-apply.js';
import { currentGeneration } from './generations.js';
import type { ProjectionMetrics } from './metrics.js';
import { openCurrentStore, openStoreAt, type ProjectionStore } from './store.js';

export interface LmdbRunnerOptions<Row, E> {
  view: ViewDefinition<Row, E>;
  store: Pick<EventStore, 'follow'>;
  /** Folder holding every view's store (`<storeRoot>/<view>/current`). */
  storeRoot: string;
  logger: Logger;
  metrics: ProjectionMetrics;
  /** Replay: build this (not yet current) generation and stop once the topics are caught up. */
  replay?: { generation: string };
  /** Fetch size per partition (one batch is at most this much); default 1 MiB. */
  fetchMaxBytes?: number;
}

export interface LmdbRunner {
  /** Resolves once the reader runs; records are then applied in the background. */
  start(): Promise<void>;
  /** Settles when the reader ends: replay, once every record there at its start is applied. */
  readonly finished: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs one view definition into its lmdb store. Exactly-once effect: each batch of one partition is
 * applied and committed in ONE lmdb transaction together with the partition's next offset
 * (platform/view-apply.ts), and records below the offset read inside that transaction are skipped.
 * Offsets are owned by the store (`stored`): the group (one per process) only assigns partitions,
 * each of which is seeked to the offset stored with the rows. A crash at any instant leaves the
 * store at the last committed batch, and consumption resumes right after it.
 */
export function createLmdbRunner<Row, E>(options: LmdbRunnerOptions<Row, E>): LmdbRunner {
  const { view, storeRoot, metrics, replay } = options;
  const logger = options.logger.child({ component: 'projections', projection: view.name });
  let store: ProjectionStore;
  if (replay) store = openStoreAt(replay.generation, { version: view.version });
  else {
    const opened = openCurrentStore(storeRoot, view);
    store = opened.store;
    if (opened.rebuilt)
      logger.warn({ version: view.version }, 'view definition changed: rebuilding from offset zero');
  }
  let following: Following | undefined;
  let finish: (error?: unknown) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    finish = (error) => (error === undefined ? resolve() : reject(error));
  });
  finished.catch(() => undefined);

  function handle(batch: ReadBatch<E>, context: { rewind(): void }) {
    const { topic, partition } = batch;
    const current = replay ? undefined : currentGeneration(storeRoot, view.name);
    if (current !== undefined && current !== store.generation) {
      // A replay promoted a new generation: continue on it from ITS offsets.
      const previous = store;
      store = openStoreAt(current);
      void previous.close();
      logger.info('switched to the promoted store generation');
      context.rewind();
      return;
    }
    const tally = store.transaction((tx) =>
      applyBatch(view, tx, partitionKey(topic, partition), batch.records),
    );
    const labels = { projection: view.name };
    metrics.applied.inc(labels, tally.applied);
    metrics.duplicates.inc(labels, tally.duplicates);
    metrics.gaps.inc(labels, tally.gaps.length);
    metrics.rejected.inc(labels, tally.rejected);
    for (const gap of tally.gaps) logger.warn(gap, 'sequence gap: applied and listed in the gaps table');
    const last = batch.records.at(-1)?.position.offset ?? '0';
    metrics.lag.set({ ...labels, topic, partition }, Number(BigInt(batch.highWatermark) - BigInt(last) - 1n));
  }

  return {
    finished,
    async start() {
      following = await options.store.follow<E>(
        view.topics,
        {
          kind: 'stored',
          group: `${CONSUMER_GROUPS.projection.prefix}${view.name}-${randomUUID()}`,
          offsetOf: (topic, partition) => store.read.get<string>(OFFSETS, partitionKey(topic, partition)),
        },
        handle,
        {
          maxBytesPerPartition: options.fetchMaxBytes ?? 1_048_576,
          sessionTimeoutMs: 15_000,
          ...(view.decode ? { decode: view.decode } : {}),
          ...(replay ? { until: 'caught-up' as const } : {}),
        },
      );
      following.done.then(() => finish(), finish);
      logger.info({ topics: view.topics.length }, 'projection running');
    },
    async stop() {
      await following?.stop();
      await store.close();
      logger.info('projection stopped');
    },
  };
}
