import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, parseEvent } from './events.js';
import { anEvent } from './testing/events.js';

describe('the fixture builder (anEvent)', () => {
  it('builds a valid event of every type from its current schema sample', () => {
    for (const type of EVENT_TYPES) expect(parseEvent(anEvent(type)).type).toBe(type);
  });

  it('merges data deeply, replaces an item payload whole, and replaces envelope fields', () => {
    const moved = anEvent('ResidentRecordChanged', {
      data: { sequence: 2, address: { municipalityCode: '271004' } },
      envelope: { eventId: 'e-1' },
    });
    expect(moved.data).toMatchObject({
      sequence: 2,
      address: { municipalityCode: '271004', city: '千代田区' },
    });
    expect(moved.envelope).toMatchObject({ eventId: 'e-1', producer: 'juki-131016' });
    const care = anEvent('InformationItemPublished', {
      data: {
        itemKind: 'CARE_LEVEL',
        payload: { level: 'CARE_2', certifiedOn: '2024-05-01', validUntil: '2026-04-30' },
      },
    });
    expect(care.data.payload).toEqual({
      level: 'CARE_2',
      certifiedOn: '2024-05-01',
      validUntil: '2026-04-30',
    });
    expect(parseEvent(care)).toEqual(care);
  });

  it('gives the same fact the same event id, and different facts different ones', () => {
    const one = anEvent('ConsentUsed', { data: { useNumber: 1 } });
    expect(anEvent('ConsentUsed', { data: { useNumber: 1 } }).envelope.eventId).toBe(one.envelope.eventId);
    expect(anEvent('ConsentUsed', { data: { useNumber: 2 } }).envelope.eventId).not.toBe(
      one.envelope.eventId,
    );
  });

  it('never shares objects between the events it builds', () => {
    const first = anEvent('ResidentRecordChanged');
    first.data.address.city = 'changed';
    expect(anEvent('ResidentRecordChanged').data.address.city).toBe('千代田区');
  });
});
