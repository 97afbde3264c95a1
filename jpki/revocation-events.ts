import { createHash } from 'node:crypto';
import { REVOCATION_REASONS, revocationReasonFromCode } from '../schemas/enums.js';
import type { TsunagiEvent } from '../schemas/events.js';
import { type CertificateStatusEvent, type RevocationReason, RevocationReasonCode } from './revocation.js';

/**
 * jpki's certificate-status events ↔ the domain events on the `certificate-status` topic. Pure.
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

export function toDomainEvent(event: CertificateStatusEvent, context: EnvelopeContext): StatusDomainEvent {
  if (event.type === 'CertificateRevoked') {
    return {
      type: 'CertificateRevoked',
      envelope: {
        eventId: revocationEventId(event.issuer, event.serialNumber),
        occurredAt: event.revokedAt,
        ...context,
      },
      data: {
        issuer: event.issuer,
        serialNumber: event.serialNumber,
        revokedAt: event.revokedAt,
        reason: toWireReason(event.reason),
        source: event.source,
      },
    };
  }
  return {
    type: 'RevocationListIngested',
    envelope: {
      eventId: crlMarkerEventId(event.issuer, event.thisUpdate),
      occurredAt: event.thisUpdate,
      ...context,
    },
    data: { issuer: event.issuer, thisUpdate: event.thisUpdate, nextUpdate: event.nextUpdate },
  };
}

/** The jpki event a domain event states, or undefined for events of other types. */
export function fromDomainEvent(event: TsunagiEvent): CertificateStatusEvent | undefined {
  switch (event.type) {
    case 'CertificateRevoked':
      return {
        type: 'CertificateRevoked',
        issuer: event.data.issuer,
        serialNumber: event.data.serialNumber,
        revokedAt: event.data.revokedAt,
        reason: fromWireReason(event.data.reason),
        source: event.data.source,
      };
    case 'RevocationListIngested':
      return { type: 'RevocationListIngested', ...event.data };
    default:
      return undefined;
  }
}
