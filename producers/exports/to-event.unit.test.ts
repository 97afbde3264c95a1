import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { eventToJson, parseEvent } from '../../schemas/events.js';
import { parseRow } from './parse-row.js';
import { SAMPLE_MY_NUMBER, SAMPLE_ROWS } from './sample-rows.js';
import { EXPORT_SYSTEMS, type ExportRow, type ExportSystem, toEvent } from './systems.js';

const linkageId = 'L-ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ctx = { linkageId, producer: 'producer-test', clock: fixedClock('2024-01-02T03:04:05Z') };

function row(system: ExportSystem, changes: Record<string, string> = {}): ExportRow {
  const parsed = parseRow(system, { ...SAMPLE_ROWS[system], ...changes }, { file: 'f', line: 2 });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.row;
}

describe('toEvent', () => {
  it.each(EXPORT_SYSTEMS)('%s: gives a valid domain event without the My Number', (system) => {
    const event = toEvent(row(system), ctx);
    expect(parseEvent(event)).toEqual(event);
    expect(JSON.stringify(eventToJson(event))).not.toContain(SAMPLE_MY_NUMBER);
    expect(event.envelope).toMatchObject({
      producer: 'producer-test',
      recordedAt: new Date('2024-01-02T03:04:05Z'),
    });
    expect(event.envelope.correlationId).toBe(event.envelope.eventId);
  });

  it('maps a Juki row to ResidentRecordChanged with the occurrence at the start of the JST day', () => {
    expect(toEvent(row('juki'), ctx)).toMatchObject({
      type: 'ResidentRecordChanged',
      envelope: { occurredAt: new Date('2023-03-31T15:00:00Z') },
      data: {
        linkageId,
        changeType: 'ADDRESS_CHANGE',
        name: '佐藤\u3000花子',
        nameKana: 'サトウ\u3000ハナコ',
        address: {
          municipalityCode: '131016',
          prefecture: '東京都',
          city: '千代田区',
          street: '九段南1-2-3',
        },
        dateOfBirth: '1985-07-14',
        gender: 'FEMALE',
        householdId: '131016-0000042',
        sequence: 3,
        sourceMunicipalityCode: '131016',
      },
    });
  });

  it('maps item rows to their payloads, and a withdrawal to InformationItemWithdrawn', () => {
    expect(toEvent(row('local-tax'), ctx)).toMatchObject({
      type: 'InformationItemPublished',
      data: {
        provider: '271004',
        itemKind: 'LOCAL_TAX_INCOME',
        sequence: 5,
        validAsOf: '2023-06-10',
        payload: {
          fiscalYear: 2023,
          taxableIncome: 3_200_000n,
          municipalTax: 192_000n,
          prefecturalTax: 128_000n,
        },
      },
    });
    expect(toEvent(row('child-allowance'), ctx)).toMatchObject({
      data: { itemKind: 'CHILD_ALLOWANCE_STATUS', payload: { status: 'RECEIVING', validUntil: null } },
    });
    expect(toEvent(row('nursing-care', { action: 'WITHDRAW', withdraw_reason: 'death' }), ctx)).toMatchObject(
      {
        type: 'InformationItemWithdrawn',
        data: { linkageId, provider: '271004', itemKind: 'CARE_LEVEL', sequence: 5, reason: 'death' },
      },
    );
    expect(toEvent(row('pension'), ctx)).toMatchObject({
      data: {
        provider: 'jps',
        itemKind: 'PENSION_BENEFIT_AMOUNT',
        payload: { pensionKind: 'OLD_AGE_BASIC', annualAmount: 795_000n, fiscalYear: 2023 },
      },
    });
    expect(toEvent(row('disability-certificate'), ctx)).toMatchObject({
      data: {
        provider: '271004',
        itemKind: 'DISABILITY_CERTIFICATE',
        payload: { certificateKind: 'PHYSICAL', grade: '2', issuedOn: '2023-06-01', validUntil: null },
      },
    });
  });

  it('gives the same event id to the same row on every ingest, and different ids otherwise', () => {
    const later = { ...ctx, clock: fixedClock('2030-01-01T00:00:00Z') };
    const id = (system: ExportSystem, changes = {}, context = ctx) =>
      toEvent(row(system, changes), context).envelope.eventId;
    expect(id('juki')).toBe(id('juki', {}, later));
    expect(id('juki')).toMatch(/^evt-[0-9a-f]{32}$/);
    expect(id('juki', { street: '麹町1-1-1' })).toBe(id('juki'));
    expect(id('juki', { sequence: '4' })).not.toBe(id('juki'));
    expect(id('juki', { municipality_code: '271004', address_municipality_code: '271004' })).not.toBe(
      id('juki'),
    );
    expect(id('juki', {}, { ...ctx, linkageId: 'L-BBCDEFGHIJKLMNOPQRSTUVWXYZ' })).not.toBe(id('juki'));
    const ids = new Set(EXPORT_SYSTEMS.map((system) => id(system)));
    expect(ids.size).toBe(EXPORT_SYSTEMS.length);
  });
});
