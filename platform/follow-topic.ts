import type { TsunagiEvent } from '../schemas/events.js';
import type { TopicRef } from '../schemas/topics.js';
import type { EventStore, Following } from './event-store.js';

/** Where a record was read: its partition and offset, for views that keep topic order. */
export interface RecordAt {
  partition: number;
  offset: bigint;
}

/**
 * Keeps an in-memory view of the caller's own shape current from one topic, through the one reader
 * (`follow`, platform/log-reader.ts): from the earliest offset under a fresh group (`groupPrefix`,
 * nothing committed: the view is memory); resolves once caught up with the end offsets seen at start,
 * so a service answers only with a complete view. Undecodable records are handed over by the reader
 * as rejected (logged by position) and skipped here. Views defined by a ViewDefinition use
 * `followInMemory` (platform/memory-view.ts) instead.
 */
export async function followTopic(deps: {
  store: Pick<EventStore, 'follow'>;
  topic: TopicRef;
  groupPrefix: string;
  onEvent(event: TsunagiEvent, at: RecordAt): void;
}): Promise<Following> {
  const following = await deps.store.follow(
    [deps.topic],
    { kind: 'earliest', groupPrefix: deps.groupPrefix },
    (batch) => {
      for (const r of batch.records)
        if (r.kind === 'event')
          deps.onEvent(r.event, { partition: r.position.partition, offset: BigInt(r.position.offset) });
    },
  );
  return caughtUpOrStopped(following);
}

/**
 * Resolves with `following` once it caught up; if catching up failed, stops it first and rejects with
 * why, so a view that never became complete is not left reading.
 */
export async function caughtUpOrStopped(following: Following): Promise<Following> {
  try {
    await following.caughtUp;
  } catch (error) {
    await following.stop();
    throw error;
  }
  return following;
}
