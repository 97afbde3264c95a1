import { newLinkageId } from '../../identity/linkage-id.js';
import type { InformationItemPublished, ResidentRecordChanged } from '../../schemas/events.js';
import { SAMPLE_EVENTS } from '../../schemas/testing/samples.js';

/** Test-only: fictional source events of one household, as the producers would publish them. */
const record = SAMPLE_EVENTS['resident-record-changed']?.[1] as ResidentRecordChanged;
const income = SAMPLE_EVENTS['information-item-published']?.[1] as InformationItemPublished;
const jstMidnight = (date: string) => new Date(`${date}T00:00:00+09:00`);

export function residentEvent(
  linkageId: string,
  change: ResidentRecordChanged['data']['changeType'],
  on: string,
  more: { householdId: string; dateOfBirth: string; municipality?: string; sequence?: number },
): ResidentRecordChanged {
  const municipality = more.municipality ?? '131016';
  return {
    type: 'ResidentRecordChanged',
    envelope: {
      ...record.envelope,
      eventId: `evt-${linkageId}-${more.sequence ?? 1}`,
      occurredAt: jstMidnight(on),
    },
    data: {
      ...record.data,
      linkageId,
      changeType: change,
      dateOfBirth: more.dateOfBirth,
      householdId: more.householdId,
      address: { ...record.data.address, municipalityCode: municipality },
      sourceMunicipalityCode: municipality,
      sequence: more.sequence ?? 1,
    },
  };
}

export function incomeEvent(
  linkageId: string,
  taxableIncome: bigint,
  provider = '131016',
): InformationItemPublished {
  return {
    ...income,
    envelope: { ...income.envelope, eventId: `evt-income-${linkageId}` },
    data: {
      ...income.data,
      linkageId,
      provider,
      itemKind: 'LOCAL_TAX_INCOME',
      payload: { fiscalYear: 2025, taxableIncome, municipalTax: 0n, prefecturalTax: 0n },
    },
  } as InformationItemPublished;
}

/**
 * Parents registered in Chiyoda with their incomes, then a child's birth on `birthOn`: the events, in
 * order, and the residents' linkage ids.
 */
export function birthInHousehold(birthOn = '2026-04-02', householdId = `hh-${newLinkageId().slice(2, 10)}`) {
  const [mother, father, child] = [newLinkageId(), newLinkageId(), newLinkageId()];
  const events = [
    residentEvent(mother, 'REGISTRATION', '2026-01-05', { householdId, dateOfBirth: '1992-05-10' }),
    residentEvent(father, 'REGISTRATION', '2026-01-05', { householdId, dateOfBirth: '1990-01-20' }),
    incomeEvent(mother, 2_400_000n),
    incomeEvent(father, 3_900_000n),
    residentEvent(child, 'BIRTH', birthOn, { householdId, dateOfBirth: birthOn }),
  ];
  return { mother, father, child, householdId, events };
}
