import { ordinal, type Projection, type RecordPosition, type StoreTx } from './projection.js';
import { GAPS, OFFSETS, REJECTS } from './store.js';

export type DecodedRecord<E> =
  | { at: RecordPosition; kind: 'event'; event: E }
  | { at: RecordPosition; kind: 'tombstone' }
  | { at: RecordPosition; kind: 'rejected'; code: string };

/** A row of the gaps table: the stream (resident key, personal: store only) and where it was seen. */
export interface GapRow {
  stream: string;
  expected: number;
  got: number;
  at: RecordPosition;
}

/** What a batch did, for metrics and logs. Gap entries carry no resident key (they are logged). */
export interface BatchTally {
  applied: number;
  duplicates: number;
  ignored: number;
  rejected: number;
  gaps: Array<{ topic: string; partition: number; offset: string; expected: number; got: number }>;
}

export const gapKey = (at: RecordPosition): string =>
  `${at.topic}/${ordinal(at.partition, 5)}/${ordinal(at.offset)}`;

/**
 * Applies one partition's decoded records inside the caller's transaction and stores the next
 * offset. Records below the offset stored in this same transaction are skipped, so even two
 * writers racing on one store cannot apply a record twice. Gaps and rejects are keyed by log
 * position, so re-applying a batch after a crash rewrites the same rows.
 */
export function applyBatch<E>(
  projection: Projection<E>,
  tx: StoreTx,
  tp: string,
  records: ReadonlyArray<DecodedRecord<E>>,
): BatchTally {
  const tally: BatchTally = { applied: 0, duplicates: 0, ignored: 0, rejected: 0, gaps: [] };
  const stored = tx.get<string>(OFFSETS, tp);
  let next: bigint | undefined;
  for (const record of records) {
    const offset = BigInt(record.at.offset);
    if (stored !== undefined && offset < BigInt(stored)) continue;
    next = offset + 1n;
    if (record.kind === 'tombstone') {
      tally.ignored++;
      continue;
    }
    if (record.kind === 'rejected') {
      tx.put(REJECTS, gapKey(record.at), { code: record.code, at: record.at });
      tally.rejected++;
      continue;
    }
    const result = projection.apply(record.event, tx, record.at);
    switch (result.outcome) {
      case 'applied':
        tally.applied++;
        break;
      case 'duplicate':
        tally.duplicates++;
        break;
      case 'ignored':
        tally.ignored++;
        break;
      case 'gap': {
        const { stream, expected, got } = result.gap;
        tx.put(GAPS, gapKey(record.at), { stream, expected, got, at: record.at } satisfies GapRow);
        tally.applied++;
        tally.gaps.push({ ...record.at, expected, got });
        break;
      }
    }
  }
  if (next !== undefined) tx.put(OFFSETS, tp, next.toString());
  return tally;
}
