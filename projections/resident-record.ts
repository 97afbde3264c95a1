import { evolveResidentRecord, type ResidentRecord } from '../core/resident/index.js';
import { key, type ViewDefinition } from '../platform/view.js';
import type { TsunagiEvent } from '../schemas/events.js';
import { Topics } from '../schemas/topics.js';

// The record and its pure evolve live in core/resident/; re-exported for the projection's readers.
export { evolveResidentRecord, type ResidentRecord, type ResidentStatus } from '../core/resident/index.js';

const changed = (event: TsunagiEvent) => (event.type === 'ResidentRecordChanged' ? event : undefined);

/**
 * THE resident record view: one row per resident (linkage id), checked by the per-resident sequence
 * (a re-sent change is a duplicate, a skipped number a gap: applied and listed).
 */
export const residentRecordsView: ViewDefinition<ResidentRecord> = {
  name: 'resident-records',
  version: 1,
  topics: [Topics.residentRecords],
  once: {
    by: 'sequence',
    streamOf: (event) => {
      const change = changed(event);
      return change && { stream: key('resident', change.data.linkageId), sequence: change.data.sequence };
    },
  },
  keyOf: (event) => changed(event)?.data.linkageId,
  evolve(row, event) {
    const change = changed(event);
    return change ? evolveResidentRecord(row, change) : row;
  },
};
