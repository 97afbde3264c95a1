import type * as pkijs from 'pkijs';
import type { EventDraft } from '../schemas/events.js';

/** CRLReason (RFC 5280 §5.3.1) by name; 7 is unused in the standard. */
export const RevocationReasonCode = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type RevocationReason = keyof typeof RevocationReasonCode;

export function reasonFromCode(code: number | undefined): RevocationReason {
  const found = Object.entries(RevocationReasonCode).find(([, value]) => value === code);
  return (found?.[0] as RevocationReason | undefined) ?? 'unspecified';
}

export type RevocationSource = 'OCSP' | 'CRL';

/** One revoked certificate as a CRL entry or OCSP answer states it. */
export interface Revocation {
  /** Issuer name as `formatName` prints it. */
  issuer: string;
  /** Lowercase hex, no sign padding (`serialHex`). */
  serialNumber: string;
  revokedAt: Date;
  reason: RevocationReason;
}

/**
 * What a CRL ingest or an OCSP answer states about certificate status, as the schemas' own events
 * (`CertificateRevoked`, `RevocationListIngested` on the compacted `certificate-status` topic) without
 * their envelope, which the publisher adds. No personal data: a certificate serial identifies a card
 * certificate, not a person's record.
 */
export type CertificateStatusDraft = EventDraft<'CertificateRevoked'> | EventDraft<'RevocationListIngested'>;

export type RevocationAnswer =
  | { status: 'good'; source: RevocationSource; fallbackReason?: string }
  | {
      status: 'revoked';
      source: RevocationSource;
      revokedAt: Date;
      reason: RevocationReason;
      fallbackReason?: string;
    }
  | { status: 'unknown'; source: RevocationSource; fallbackReason?: string };

/** What a revocation check needs: the parsed certificate and the issuer that signed it. */
export interface RevocationQuery {
  certificate: pkijs.Certificate;
  issuerCertificate: pkijs.Certificate;
  issuer: string;
  serialNumber: string;
}

export interface RevocationChecker {
  check(query: RevocationQuery): Promise<RevocationAnswer>;
}

/** Port to the `certificate-status` topic; the Kafka adapter is wired elsewhere. */
export interface RevocationPublisher {
  /** Must be idempotent per issuer + serial: a re-ingest may publish a revocation again. */
  publish(statuses: readonly CertificateStatusDraft[]): Promise<void>;
}
