import { createHash } from 'node:crypto';
import { REVOCATION_REASONS, revocationReasonFromCode } from '../schemas/enums.js';
import type { TsunagiEvent } from '../schemas/events.js';
import {
  type CertificateStatusDraft,
  type Revocation,
  type RevocationReason,
  RevocationReasonCode,
  type RevocationSource,
} from './revocation.js';

/**
 * jpki's certificate statuses → the domain events on the `certificate-status` topic. Pure.
 * Event ids are deterministic (a hash of what the event states), so publishing the same revocation
 * or the same CRL marker twice yields the same event id: consumers and the compacted topic see a
 * duplicate, never a second fact.
 */
type WireReason = (typeof REVOCATION_REASONS)[number];
type StatusDomainEvent = Extract<TsunagiEvent, { type: 'CertificateRevoked' | 'RevocationListIngested' }>;

const digest = (...parts: string[]): string =>
  createHash('sha256').update(parts.join('\n'), 'utf8').digest('hex');

/** `crt-rev-<sha256(issuer, serial)>`: one id per certificate, whatever source reported it. */
export const revocationEventId = (issuer: string, serialNumber: string): string =>
  `crt-rev-${digest(issuer, serialNumber)}`;

/** `crl-ing-<sha256(issuer, thisUpdate)>`: one id per CRL issue. */
export const crlMarkerEventId = (issuer: string, thisUpdate: Date): string =>
  `crl-ing-${digest(issuer, thisUpdate.toISOString())}`;

export const toWireReason = (reason: RevocationReason): WireReason =>
  revocationReasonFromCode(RevocationReasonCode[reason]) ?? 'UNSPECIFIED';

const JPKI_REASONS = Object.keys(RevocationReasonCode) as RevocationReason[];
/** The two enums list the same RFC 5280 reasons in code order (code 7 unused in both). */
export const fromWireReason = (reason: WireReason): RevocationReason =>
  JPKI_REASONS[REVOCATION_REASONS.indexOf(reason)] ?? 'unspecified';

export interface EnvelopeContext {
  /** When Tsunagi records the event. */
  recordedAt: Date;
  producer: string;
  correlationId: string;
}

/** A status with its envelope: the event id says what it states, so re-stating it is a duplicate. */
export function toDomainEvent(status: CertificateStatusDraft, context: EnvelopeContext): StatusDomainEvent {
  if (status.type === 'CertificateRevoked') {
    const { issuer, serialNumber, revokedAt } = status.data;
    return {
      ...status,
      envelope: { eventId: revocationEventId(issuer, serialNumber), occurredAt: revokedAt, ...context },
    };
  }
  const { issuer, thisUpdate } = status.data;
  return {
    ...status,
    envelope: { eventId: crlMarkerEventId(issuer, thisUpdate), occurredAt: thisUpdate, ...context },
  };
}

/** What a CRL entry or an OCSP answer states about one certificate, as a status to publish. */
export const revokedStatus = (revocation: Revocation, source: RevocationSource): CertificateStatusDraft => ({
  type: 'CertificateRevoked',
  data: {
    issuer: revocation.issuer,
    serialNumber: revocation.serialNumber,
    revokedAt: revocation.revokedAt,
    reason: toWireReason(revocation.reason),
    source,
  },
});
