import type {
  ConsentGranted,
  ConsentRevoked,
  DisclosureOutcome,
  DisclosureRecorded,
  IngestRunCompleted,
  ResidentRecordChanged,
} from '../../schemas/events.js';
import { SAMPLE_EVENTS } from '../../schemas/testing/samples.js';

/** Fictional events for analytics tests: unique ids per `run`, otherwise the schema samples. */
const sample = <T>(subject: string, version = 1) => structuredClone(SAMPLE_EVENTS[subject]?.[version]) as T;

export function disclosure(
  run: string,
  n: number,
  fields: Partial<DisclosureRecorded['data']> & { outcome: DisclosureOutcome; latencyMs?: number },
): DisclosureRecorded {
  const event = sample<DisclosureRecorded>('disclosure-recorded');
  const { latencyMs = 40, ...data } = fields;
  event.envelope.eventId = `${run}-trail-${n}`;
  event.envelope.occurredAt = new Date(Date.UTC(2026, 3, 1, 1, 0, n % 60));
  event.envelope.recordedAt = new Date(event.envelope.occurredAt.getTime() + latencyMs);
  event.data = {
    ...event.data,
    linkageId: `lk_${run.replaceAll(/[^A-Za-z0-9]/g, '')}_${n}`,
    refusalReason: fields.outcome === 'REFUSED' ? 'NO_LEGAL_BASIS: no row for this request' : null,
    disclosedDigest: fields.outcome === 'DISCLOSED' ? event.data.disclosedDigest : null,
    ...data,
  };
  return event;
}

export function recordChange(run: string, n: number, municipality = '131016'): ResidentRecordChanged {
  const event = sample<ResidentRecordChanged>('resident-record-changed');
  event.envelope.eventId = `${run}-change-${n}`;
  event.data.linkageId = `lk_${run.replaceAll(/[^A-Za-z0-9]/g, '')}_r${n}`;
  event.data.address.municipalityCode = municipality;
  return event;
}

export function grant(run: string, n: number): ConsentGranted {
  const event = sample<ConsentGranted>('consent-granted', 2);
  event.envelope.eventId = `${run}-grant-${n}`;
  event.data.consentId = `${run}-consent-${n}`;
  return event;
}

export function revoke(run: string, n: number): ConsentRevoked {
  const event = sample<ConsentRevoked>('consent-revoked');
  event.envelope.eventId = `${run}-revoke-${n}`;
  event.data.consentId = `${run}-consent-${n}`;
  return event;
}

export function ingestRun(run: string, n: number): IngestRunCompleted {
  const event = sample<IngestRunCompleted>('ingest-run-completed');
  event.envelope.eventId = `${run}-ingest-${n}`;
  return event;
}
