import type { EventStore } from '../../platform/event-store.js';
import type { Logger } from '../../platform/logger.js';
import { Topics } from '../../schemas/topics.js';
import { type NoteSigner, signCheckpoint } from './signer.js';
import type { PublishedCheckpoint, TrailLogStore } from './store.js';

/** A checkpoint signed now over the integrated tree (on demand). */
export function signLatestCheckpoint(store: TrailLogStore, signer: NoteSigner): PublishedCheckpoint {
  const { size, root } = store.integrated();
  return { size, note: signCheckpoint(signer, { size, root }) };
}

export interface CheckpointPublisher {
  /** Signs and publishes the integrated state if it grew since the last publication. */
  publishNow(): Promise<PublishedCheckpoint | undefined>;
  stop(): Promise<void>;
}

export interface PublisherDeps {
  store: TrailLogStore;
  signer: NoteSigner;
  /** The event store: appends to `trail-checkpoints` (BROKER_UNAVAILABLE: not published). */
  log: Pick<EventStore, 'append'>;
  intervalMs: number;
  logger: Logger;
}

/**
 * Publishes signed checkpoints to the checkpoint topic, every `intervalMs` when the tree grew. The
 * record value is the signed note itself (C2SP text, `content-type: text/plain; charset=utf-8`), not
 * an Avro event: auditors and witnesses read and verify it byte for byte with any note tool. The key
 * is the origin. The topic keeps every checkpoint (infinite retention), so anyone can later check
 * that each one is consistent with the previous: the log's promise never to fork. After a
 * publication is acknowledged (acks=all) it is also saved in the store for local readers.
 */
export function startCheckpointPublisher(deps: PublisherDeps): CheckpointPublisher {
  const { store, signer } = deps;
  const logger = deps.logger.child({ component: 'checkpoint-publisher' });
  let running: Promise<PublishedCheckpoint | undefined> = Promise.resolve(undefined);

  const publish = async (): Promise<PublishedCheckpoint | undefined> => {
    const last = store.latestCheckpoint();
    const { size } = store.integrated();
    if (last !== undefined && last.size >= size) return undefined;
    const checkpoint = signLatestCheckpoint(store, signer);
    await deps.log.append([
      {
        topic: Topics.trailCheckpoints,
        key: signer.name,
        value: checkpoint.note,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      },
    ]);
    store.saveCheckpoint(checkpoint);
    logger.info({ size: checkpoint.size }, 'checkpoint published');
    return checkpoint;
  };
  // One publication at a time, so checkpoints are published in size order.
  const publishNow = () => {
    running = running.catch(() => undefined).then(publish);
    return running;
  };
  const timer = setInterval(() => {
    publishNow().catch((error: unknown) =>
      logger.warn({ err: error }, 'checkpoint publication failed; retrying'),
    );
  }, deps.intervalMs);
  return {
    publishNow,
    async stop() {
      clearInterval(timer);
      await running.catch(() => undefined);
    },
  };
}
