import { describe, expect, it } from 'vitest';
import { residentRecordsView } from '../projections/resident-record.js';
import type { TsunagiEvent } from '../schemas/events.js';
import { anEvent } from '../schemas/testing/events.js';
import { memoryTx } from './memory-tables.js';
import { viewOf } from './memory-view.js';
import { GAPS, OFFSETS, REJECTS, type ViewRecord } from './view.js';
import { applyBatch, checkSequence } from './view-apply.js';

const view = residentRecordsView;
const record = (offset: number, event: TsunagiEvent): ViewRecord<TsunagiEvent> => ({
  position: { topic: 't', partition: 1, offset: String(offset) },
  kind: 'event',
  event,
});
const changed = (linkageId: string, sequence: number) =>
  anEvent('ResidentRecordChanged', { data: { linkageId, sequence } });

describe('checkSequence', () => {
  it('accepts the first number of a stream, then only last + 1', () => {
    expect(checkSequence(undefined, 7)).toEqual({ verdict: 'next' });
    expect(checkSequence(7, 8)).toEqual({ verdict: 'next' });
    expect(checkSequence(7, 7)).toEqual({ verdict: 'duplicate' });
    expect(checkSequence(7, 3)).toEqual({ verdict: 'duplicate' });
    expect(checkSequence(7, 10)).toEqual({ verdict: 'gap', expected: 8, got: 10 });
  });
});

describe('applyBatch', () => {
  it('stores the next offset with the state and skips records below it (a re-delivered batch)', () => {
    const tx = memoryTx();
    const batch = [record(0, changed('lk_resident_01', 1)), record(1, changed('lk_resident_01', 2))];
    expect(applyBatch(view, tx, 't/1', batch)).toMatchObject({ applied: 2 });
    expect(tx.get(OFFSETS, 't/1')).toBe('2');
    const before = tx.dump();
    expect(applyBatch(view, tx, 't/1', batch)).toMatchObject({ applied: 0, duplicates: 0 });
    expect(tx.dump()).toEqual(before);
  });

  it('lists a gap by log position without stopping the other residents in the batch', () => {
    const tx = memoryTx();
    const tally = applyBatch(view, tx, 't/1', [
      record(0, changed('lk_resident_01', 1)),
      record(1, changed('lk_resident_01', 3)),
      record(2, changed('lk_resident_02', 1)),
      record(3, changed('lk_resident_02', 2)),
    ]);
    expect(tally).toMatchObject({
      applied: 4,
      gaps: [{ topic: 't', partition: 1, offset: '1', expected: 2, got: 3 }],
    });
    expect(JSON.stringify(tally)).not.toContain('lk_resident');
    expect(tx.range(GAPS, { prefix: '' }).map((e) => e.value)).toEqual([
      {
        stream: 'resident/lk_resident_01',
        expected: 2,
        got: 3,
        at: { topic: 't', partition: 1, offset: '1' },
      },
    ]);
    expect(tx.get(OFFSETS, 't/1')).toBe('4');
  });

  it('records an undecodable record in rejects and moves past it', () => {
    const tx = memoryTx();
    const tally = applyBatch(view, tx, 't/1', [
      { position: { topic: 't', partition: 1, offset: '5' }, kind: 'rejected', code: 'SCHEMA_NOT_FOUND' },
    ]);
    expect(tally.rejected).toBe(1);
    expect(tx.range(REJECTS, { prefix: '' })).toHaveLength(1);
    expect(tx.get(OFFSETS, 't/1')).toBe('6');
  });

  it('gives the same rows whether the events come once or twice (replay equals live)', () => {
    const events = [changed('lk_a', 1), changed('lk_b', 1), changed('lk_a', 2)];
    const once = viewOf(view, events);
    const twice = viewOf(view, [...events, ...events]);
    expect(twice.range({ prefix: '' })).toEqual(once.range({ prefix: '' }));
  });
});
