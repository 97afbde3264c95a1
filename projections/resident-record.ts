import { evolveResidentRecord, type ResidentRecord } from '../core/resident/index.js';
import type { TsunagiEvent } from '../schemas/events.js';
import { type ApplyOutcome, key, type Projection, type RecordPosition, type StoreTx } from './projection.js';
import { inSequence } from './sequence.js';

export const RESIDENTS = 'residents';

// The record and its pure evolve live in core/resident/; re-exported for the projection's readers.
export { evolveResidentRecord, type ResidentRecord, type ResidentStatus } from '../core/resident/index.js';

export function applyResidentRecord(event: TsunagiEvent, tx: StoreTx): ApplyOutcome {
  if (event.type !== 'ResidentRecordChanged') return { outcome: 'ignored' };
  const { linkageId, sequence } = event.data;
  return inSequence(tx, key('resident', linkageId), sequence, () => {
    tx.put(RESIDENTS, linkageId, evolveResidentRecord(tx.get<ResidentRecord>(RESIDENTS, linkageId), event));
  });
}

export const residentRecordProjection = (topic: string): Projection<TsunagiEvent> => ({
  name: 'resident-records',
  topics: [topic],
  tables: [RESIDENTS],
  apply: (event: TsunagiEvent, tx: StoreTx, _at: RecordPosition) => applyResidentRecord(event, tx),
});
