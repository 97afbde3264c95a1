import type { DisclosureOutcome, DisclosureRecorded } from '../../schemas/events.js';
import { anEvent } from '../../schemas/testing/events.js';

/**
 * Analytics' test events through the one fixture builder (schemas/testing/events.ts), with ids
 * unique per `run` so suites sharing a database never collide.
 */
const resident = (run: string, suffix: string) => `lk_${run.replaceAll(/[^A-Za-z0-9]/g, '')}_${suffix}`;

/** A disclosure `latencyMs` after its request; a refusal carries a reason and no digest. */
export function disclosure(
  run: string,
  n: number,
  fields: Partial<DisclosureRecorded['data']> & { outcome: DisclosureOutcome; latencyMs?: number },
): DisclosureRecorded {
  const { latencyMs = 40, ...data } = fields;
  const occurredAt = new Date(Date.UTC(2026, 3, 1, 1, 0, n % 60));
  const event = anEvent('DisclosureRecorded', {
    envelope: {
      eventId: `${run}-trail-${n}`,
      occurredAt,
      recordedAt: new Date(occurredAt.getTime() + latencyMs),
    },
    data: {
      linkageId: resident(run, String(n)),
      // Spelled out: the current version's sample is a refused self-information request.
      requester: '011002',
      officeWork: 'child-allowance-eligibility',
      legalBasisRowId: 'lb-0001',
      provider: '271004',
      itemKind: 'LOCAL_TAX_INCOME',
      channel: 'INQUIRY',
      disclosedDigest: Buffer.from('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'hex'),
      nonDisclosureReason: null,
      nonDisclosureCaseReference: null,
      refusalDetail: null,
    },
  });
  const refused = fields.outcome === 'REFUSED';
  event.data = {
    ...event.data,
    refusalReason: refused ? 'NO_LEGAL_BASIS: no row for this request' : null,
    disclosedDigest: refused ? null : event.data.disclosedDigest,
    ...data,
  };
  return event;
}

export const recordChange = (run: string, n: number, municipality = '131016') =>
  anEvent('ResidentRecordChanged', {
    envelope: { eventId: `${run}-change-${n}` },
    data: { linkageId: resident(run, `r${n}`), address: { municipalityCode: municipality } },
  });

export const grant = (run: string, n: number) =>
  anEvent('ConsentGranted', {
    envelope: { eventId: `${run}-grant-${n}` },
    data: { consentId: `${run}-consent-${n}` },
  });

export const revoke = (run: string, n: number) =>
  anEvent('ConsentRevoked', {
    envelope: { eventId: `${run}-revoke-${n}` },
    data: { consentId: `${run}-consent-${n}` },
  });

export const ingestRun = (run: string, n: number) =>
  anEvent('IngestRunCompleted', { envelope: { eventId: `${run}-ingest-${n}` } });
