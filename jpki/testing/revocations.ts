import { viewOf } from '../../platform/memory-view.js';
import type { TsunagiEvent } from '../../schemas/events.js';
import type { CertificateStatusDraft, RevocationReason, RevocationSource } from '../revocation.js';
import { revokedStatus, toDomainEvent } from '../revocation-events.js';
import { type RevocationRows, revocationsView } from '../revocation-view.js';

/** Test-only builders of certificate statuses and the revocations view they make. */
export const revokedDraft = (
  issuer: string,
  serialNumber: string,
  revokedAt: Date | string,
  reason: RevocationReason = 'keyCompromise',
  source: RevocationSource = 'CRL',
): CertificateStatusDraft =>
  revokedStatus({ issuer, serialNumber, revokedAt: new Date(revokedAt), reason }, source);

export const ingestedDraft = (
  issuer: string,
  thisUpdate: Date | string,
  nextUpdate: Date | string,
): CertificateStatusDraft => ({
  type: 'RevocationListIngested',
  data: { issuer, thisUpdate: new Date(thisUpdate), nextUpdate: new Date(nextUpdate) },
});

const CONTEXT = {
  recordedAt: new Date('2026-04-01T00:00:00Z'),
  producer: 'jpki-test',
  correlationId: 'test',
};

/** The statuses as the events on `certificate-status`. */
export const statusEvents = (statuses: readonly CertificateStatusDraft[]): TsunagiEvent[] =>
  statuses.map((status) => toDomainEvent(status, CONTEXT));

/** The revocations view folded in memory from these statuses, by the view's own definition. */
export const revocationRows = (statuses: readonly CertificateStatusDraft[] = []): RevocationRows =>
  viewOf(revocationsView, statusEvents(statuses));
