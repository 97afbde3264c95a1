import type { Registry } from 'prom-client';
import type { EventStore } from '../../platform/event-store.js';
import type { Logger } from '../../platform/logger.js';
import { followTrail } from './follower.js';
import { kafkaTrailEntries, sequencedSizeOf } from './kafka-entries.js';
import type { TrailSubjectKeys } from './public-entry.js';
import { type CheckpointPublisher, startCheckpointPublisher } from './publisher.js';
import type { NoteSigner } from './signer.js';
import { createTrailLogMetrics, type TrailLogStatus, trailLogStatus } from './status.js';
import type { TrailLogStore } from './store.js';

export interface TrailLogServiceDeps {
  /** The event store: reads the single-partition trail topic, appends to the checkpoint topic. */
  log: Pick<EventStore, 'follow' | 'append' | 'offsets' | 'topic'>;
  store: TrailLogStore;
  signer: NoteSigner;
  /** The hub's trail subject key: entries commit to residents under it (public-entry.ts). */
  subjects: TrailSubjectKeys;
  checkpointIntervalMs: number;
  logger: Logger;
}

export interface TrailLogService {
  status(): Promise<TrailLogStatus>;
  readonly metrics: Registry;
  readonly publisher: CheckpointPublisher;
  /** Settles when following stops: rejects on a gap, a divergence or a record that is no disclosure. */
  readonly following: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Merkle log as a running service: follows the trail topic from the stored integrated size,
 * integrates, publishes signed checkpoints periodically, and reports both states. It owns neither
 * the event store nor the Merkle store.
 */
export async function startTrailLogService(deps: TrailLogServiceDeps): Promise<TrailLogService> {
  const { log, store, logger } = deps;
  const sequencedSize = () => sequencedSizeOf(log);
  const source = await kafkaTrailEntries({
    store: log,
    subjects: deps.subjects,
    fromIndex: store.integrated().size,
    logger,
  });
  const publisher = startCheckpointPublisher({
    store,
    signer: deps.signer,
    log,
    intervalMs: deps.checkpointIntervalMs,
    logger,
  });
  const following = followTrail(source.entries, { store, logger });
  following.catch((error: unknown) => logger.error({ err: error }, 'the trail log stopped following'));
  return {
    status: () => trailLogStatus(store, sequencedSize),
    metrics: createTrailLogMetrics(store, sequencedSize),
    publisher,
    following,
    async stop() {
      await source.stop();
      await following.catch(() => undefined);
      await publisher.stop();
    },
  };
}
