import type { LogPosition } from './positions.js';
import {
  GAPS,
  OFFSETS,
  ordinal,
  REJECTS,
  ROWS,
  SEEN,
  SEQUENCES,
  type StoreTx,
  type ViewDefinition,
  type ViewRecord,
} from './view.js';

export type ApplyOutcome =
  | { outcome: 'applied' }
  /** Recognised as already applied (the `once` rule), or `evolve` changed nothing. */
  | { outcome: 'duplicate' }
  /** An event this view does not fold. */
  | { outcome: 'ignored' }
  /** Applied although earlier sequence numbers were missing; listed in the gaps table. */
  | { outcome: 'gap'; gap: SequenceGap };

export interface SequenceGap {
  /** The stream (e.g. `resident/<linkageId>`): personal, kept in the store only. */
  stream: string;
  expected: number;
  got: number;
}

/** A row of the gaps table: the stream (store only) and where it was seen. */
export interface GapRow extends SequenceGap {
  at: LogPosition;
}

export type SequenceVerdict =
  | { verdict: 'next' }
  | { verdict: 'duplicate' }
  | { verdict: 'gap'; expected: number; got: number };

/**
 * The per-stream sequence rule. The first event of a stream is accepted whatever its number (a
 * stream may start at 0 or 1, or the hub may join an existing registry mid-way). After that, a
 * number at or below the last applied one is a duplicate; one above last + 1 is a gap.
 */
export function checkSequence(last: number | undefined, got: number): SequenceVerdict {
  if (last === undefined || got === last + 1) return { verdict: 'next' };
  if (got <= last) return { verdict: 'duplicate' };
  return { verdict: 'gap', expected: last + 1, got };
}

/**
 * Applies one event to a view's tables: `keyOf`, the `once` rule, then `evolve` on the row. Gap
 * policy: the gapped event IS applied (it is the newest state the source sent) and the gap reported;
 * an earlier event arriving after it is then a duplicate (docs/projections.md).
 */
export function applyEvent<Row, E>(
  view: ViewDefinition<Row, E>,
  tx: StoreTx,
  event: E,
  at: LogPosition,
): ApplyOutcome {
  const rowKey = view.keyOf(event, at);
  if (rowKey === undefined) return { outcome: 'ignored' };
  const once = view.once;
  let gap: SequenceGap | undefined;
  const sequenced = once?.by === 'sequence' ? once.streamOf(event) : undefined;
  if (sequenced) {
    const { stream, sequence } = sequenced;
    const check = checkSequence(tx.get<number>(SEQUENCES, stream), sequence);
    if (check.verdict === 'duplicate') return { outcome: 'duplicate' };
    if (check.verdict === 'gap') gap = { stream, expected: check.expected, got: check.got };
    tx.put(SEQUENCES, stream, sequence);
  } else if (once?.by === 'event-id') {
    const id = once.idOf(event);
    if (tx.get(SEEN, id) !== undefined) return { outcome: 'duplicate' };
    tx.put(SEEN, id, rowKey);
  }
  const before = tx.get<Row>(ROWS, rowKey);
  const after = view.evolve(before, event, at);
  if (after === before) return gap ? { outcome: 'gap', gap } : { outcome: 'duplicate' };
  if (after === undefined) tx.remove(ROWS, rowKey);
  else tx.put(ROWS, rowKey, after);
  return gap ? { outcome: 'gap', gap } : { outcome: 'applied' };
}

/** What a batch did, for metrics and logs. Gap entries carry no stream (they are logged). */
export interface BatchTally {
  applied: number;
  duplicates: number;
  ignored: number;
  rejected: number;
  gaps: Array<LogPosition & { expected: number; got: number }>;
}

export const positionKey = (at: LogPosition): string =>
  `${at.topic}/${ordinal(at.partition, 5)}/${ordinal(at.offset)}`;

/**
 * Applies one partition's records inside the caller's transaction and stores the partition's next
 * offset with them. Records below the offset stored in this same transaction are skipped, so even
 * two writers racing on one store cannot apply a record twice. Gaps and rejects are keyed by log
 * position, so re-applying a batch after a crash rewrites the same rows.
 */
export function applyBatch<Row, E>(
  view: ViewDefinition<Row, E>,
  tx: StoreTx,
  partition: string,
  records: ReadonlyArray<ViewRecord<E>>,
): BatchTally {
  const tally: BatchTally = { applied: 0, duplicates: 0, ignored: 0, rejected: 0, gaps: [] };
  const stored = tx.get<string>(OFFSETS, partition);
  let next: bigint | undefined;
  for (const record of records) {
    const at = record.position;
    if (stored !== undefined && BigInt(at.offset) < BigInt(stored)) continue;
    next = BigInt(at.offset) + 1n;
    if (record.kind === 'tombstone') tally.ignored++;
    else if (record.kind === 'rejected') {
      tx.put(REJECTS, positionKey(at), { code: record.code, at });
      tally.rejected++;
    } else {
      const result = applyEvent(view, tx, record.event, at);
      if (result.outcome === 'gap') {
        tx.put(GAPS, positionKey(at), { ...result.gap, at } satisfies GapRow);
        tally.gaps.push({ ...at, expected: result.gap.expected, got: result.gap.got });
        tally.applied++;
      } else if (result.outcome === 'applied') tally.applied++;
      else if (result.outcome === 'duplicate') tally.duplicates++;
      else tally.ignored++;
    }
  }
  if (next !== undefined) tx.put(OFFSETS, partition, next.toString());
  return tally;
}
