import { describe, expect, it } from 'vitest';
import type { TsunagiEvent } from '../schemas/events.js';
import { applyBatch, type DecodedRecord } from './apply-batch.js';
import { memoryTx } from './memory-tx.js';
import { residentRecordProjection } from './resident-record.js';
import { checkSequence } from './sequence.js';
import { GAPS, OFFSETS, REJECTS } from './store.js';
import { residentChanged } from './testing/events.js';

const projection = residentRecordProjection('t');
const record = (offset: number, event: TsunagiEvent): DecodedRecord<TsunagiEvent> => ({
  at: { topic: 't', partition: 1, offset: String(offset) },
  kind: 'event',
  event,
});

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
    const batch = [
      record(0, residentChanged('lk_resident_01', 1)),
      record(1, residentChanged('lk_resident_01', 2)),
    ];
    expect(applyBatch(projection, tx, 't/1', batch)).toMatchObject({ applied: 2 });
    expect(tx.get(OFFSETS, 't/1')).toBe('2');
    const before = tx.dump();
    expect(applyBatch(projection, tx, 't/1', batch)).toMatchObject({ applied: 0, duplicates: 0 });
    expect(tx.dump()).toEqual(before);
  });

  it('lists a gap by log position without stopping the other residents in the batch', () => {
    const tx = memoryTx();
    const tally = applyBatch(projection, tx, 't/1', [
      record(0, residentChanged('lk_resident_01', 1)),
      record(1, residentChanged('lk_resident_01', 3)),
      record(2, residentChanged('lk_resident_02', 1)),
      record(3, residentChanged('lk_resident_02', 2)),
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
    const tally = applyBatch(projection, tx, 't/1', [
      { at: { topic: 't', partition: 1, offset: '5' }, kind: 'rejected', code: 'SCHEMA_NOT_FOUND' },
    ]);
    expect(tally.rejected).toBe(1);
    expect(tx.range(REJECTS, { prefix: '' })).toHaveLength(1);
    expect(tx.get(OFFSETS, 't/1')).toBe('6');
  });
});
