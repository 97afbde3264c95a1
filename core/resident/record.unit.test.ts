import { describe, expect, it } from 'vitest';
import {
  type ChangeType,
  evolveResidentRecord,
  type ResidentRecord,
  type ResidentRecordChange,
} from './record.js';

const CHIYODA = '131016';
const OSAKA = '271004';

const change = (changeType: ChangeType, municipality: string, sequence: number): ResidentRecordChange => ({
  envelope: { occurredAt: new Date(`2025-04-0${sequence}T00:00:00Z`) },
  data: {
    changeType,
    name: '山田 太郎',
    nameKana: 'ヤマダ タロウ',
    address: { municipalityCode: municipality, prefecture: 'P', city: 'C', street: 'S 1-1' },
    dateOfBirth: '1969-12-31',
    gender: 'MALE',
    householdId: 'hh-1',
    sequence,
    sourceMunicipalityCode: municipality,
  },
});
const fold = (...changes: ResidentRecordChange[]) =>
  changes.reduce<ResidentRecord | undefined>(evolveResidentRecord, undefined) as ResidentRecord;

describe('evolveResidentRecord', () => {
  it('given no record, when registered, then a resident of that municipality with no previous one', () => {
    expect(fold(change('REGISTRATION', OSAKA, 1))).toMatchObject({
      status: 'RESIDENT',
      currentMunicipality: OSAKA,
      previousMunicipality: null,
      lastChange: 'REGISTRATION',
      sequence: 1,
    });
  });

  it('given a resident of Osaka, when they move in to Chiyoda, then Osaka is the previous residence', () => {
    const record = fold(change('REGISTRATION', OSAKA, 1), change('MOVE_IN', CHIYODA, 2));
    expect(record).toMatchObject({ currentMunicipality: CHIYODA, previousMunicipality: OSAKA });
    expect(record.occurredAt.toISOString()).toBe('2025-04-02T00:00:00.000Z');
  });

  it('given a resident, when they move out, then no current municipality and the one left is previous', () => {
    expect(fold(change('REGISTRATION', OSAKA, 1), change('MOVE_OUT', OSAKA, 2))).toMatchObject({
      status: 'MOVED_OUT',
      currentMunicipality: null,
      previousMunicipality: OSAKA,
    });
  });

  it('given a move-out as the first known change, then the filing municipality is the previous one', () => {
    expect(fold(change('MOVE_OUT', OSAKA, 1))).toMatchObject({ previousMunicipality: OSAKA });
  });

  it('given a resident, when deceased, then the municipalities stay and the status is DECEASED', () => {
    const record = fold(
      change('REGISTRATION', OSAKA, 1),
      change('MOVE_IN', CHIYODA, 2),
      change('DEATH', CHIYODA, 3),
    );
    expect(record).toMatchObject({
      status: 'DECEASED',
      currentMunicipality: CHIYODA,
      previousMunicipality: OSAKA,
    });
  });

  it('given a moved-out resident, when their name changes, then the status is kept', () => {
    const record = fold(change('MOVE_OUT', OSAKA, 1), change('NAME_CHANGE', CHIYODA, 2));
    expect(record).toMatchObject({ status: 'MOVED_OUT', lastChange: 'NAME_CHANGE' });
  });
});
