import type { TsunagiEvent } from '../schemas/events.js';
import type { EventStore, Following } from './event-store.js';
import { caughtUpOrStopped } from './follow-topic.js';
import { memoryTx } from './memory-tables.js';
import { type LogPosition, partitionKey } from './positions.js';
import { rowsOf, type ViewDefinition, type ViewReader, type ViewRecord } from './view.js';
import { type ApplyOutcome, applyBatch, applyEvent, type BatchTally } from './view-apply.js';

/**
 * A view's rows in memory, folded by the same definition (and the same apply rule) as the projector's
 * lmdb view: for a process that keeps a view of its own (the gateway's consents, jpki's revocations)
 * and for tests.
 */
export interface MemoryView<Row, E = TsunagiEvent> extends ViewReader<Row> {
  readonly definition: ViewDefinition<Row, E>;
  /** One partition's records as a follower hands them over; offsets are kept, re-deliveries skipped. */
  applyBatch(partition: string, records: ReadonlyArray<ViewRecord<E>>): BatchTally;
  /**
   * An event this process appended itself, at its acknowledged position, so its next read sees it
   * before the follower delivers it again. Only for views whose `evolve` makes a repeated event
   * change nothing (no sequence rule): offsets are left to the follower.
   */
  apply(event: E, at: LogPosition): ApplyOutcome;
}

export function memoryView<Row, E = TsunagiEvent>(definition: ViewDefinition<Row, E>): MemoryView<Row, E> {
  const tables = memoryTx();
  return {
    definition,
    ...rowsOf<Row>(tables),
    applyBatch: (partition, records) => applyBatch(definition, tables, partition, records),
    apply: (event, at) => applyEvent(definition, tables, event, at),
  };
}

/** A view folded from `events` in memory, as if read in this order from one partition (tests, tools). */
export function viewOf<Row, E = TsunagiEvent>(
  definition: ViewDefinition<Row, E>,
  events: readonly E[],
): MemoryView<Row, E> {
  const view = memoryView(definition);
  view.applyBatch(
    partitionKey('memory', 0),
    events.map((event, offset) => ({
      position: { topic: 'memory', partition: 0, offset: String(offset) },
      kind: 'event' as const,
      event,
    })),
  );
  return view;
}

/**
 * Keeps a memory view current from the log: its topics from the earliest offset under a fresh group
 * (`groupPrefix`, platform/consumer-groups.ts), nothing committed, since the view lives in memory.
 * Resolves once the view holds every record that was on the topics when it started.
 */
export async function followInMemory<Row, E>(
  store: Pick<EventStore, 'follow'>,
  view: MemoryView<Row, E>,
  groupPrefix: string,
): Promise<Following> {
  const { decode } = view.definition;
  const following = await store.follow<E>(
    view.definition.topics,
    { kind: 'earliest', groupPrefix },
    (batch) => void view.applyBatch(partitionKey(batch.topic, batch.partition), batch.records),
    decode ? { decode } : {},
  );
  return caughtUpOrStopped(following);
}
