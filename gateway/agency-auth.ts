import { PartyId } from '../schemas/primitives.js';

/** Why a client certificate is refused; the 401 body carries it as `reason`. */
export const AUTH_REFUSALS = [
  'CERTIFICATE_MISSING',
  'CERTIFICATE_EXPIRED',
  'CERTIFICATE_NOT_YET_VALID',
  'CERTIFICATE_UNTRUSTED',
  'CERTIFICATE_REVOKED',
  'AGENCY_ID_INVALID',
] as const;
export type AuthRefusal = (typeof AUTH_REFUSALS)[number];

/** What the TLS layer tells about the peer (node's TLSSocket after the handshake). */
export interface PeerFacts {
  /** The chain verified against the agency CA. */
  authorized: boolean;
  /** OpenSSL's verification error code when not authorized, e.g. CERT_HAS_EXPIRED. */
  authorizationError?: string | null;
  /** Absent when the client sent no certificate. */
  certificate?: { subjectCN?: string | undefined; serialNumber?: string | undefined } | undefined;
}

export type AgencyAuthentication =
  | { ok: true; agencyId: string; serial: string }
  | { ok: false; reason: AuthRefusal };

/** Hex serial as a comparable key: lowercase, no separators, no leading zeros. */
export const normaliseSerial = (serial: string): string =>
  serial
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '')
    .replace(/^0+(?=.)/, '');

/**
 * The agency behind a client certificate: its subject CN is the agency id (a 6-digit local
 * government code or an agency id such as `jps`). Pure. The chain is checked by TLS against the
 * agency CA only; revocation comes from the agency CA's CRL or the configured serial list.
 */
export function authenticateAgency(
  peer: PeerFacts,
  isRevoked: (serial: string) => boolean,
): AgencyAuthentication {
  if (!peer.certificate?.serialNumber) return { ok: false, reason: 'CERTIFICATE_MISSING' };
  if (!peer.authorized) {
    switch (peer.authorizationError) {
      case 'CERT_HAS_EXPIRED':
        return { ok: false, reason: 'CERTIFICATE_EXPIRED' };
      case 'CERT_NOT_YET_VALID':
        return { ok: false, reason: 'CERTIFICATE_NOT_YET_VALID' };
      case 'CERT_REVOKED':
        return { ok: false, reason: 'CERTIFICATE_REVOKED' };
      default:
        return { ok: false, reason: 'CERTIFICATE_UNTRUSTED' };
    }
  }
  const serial = normaliseSerial(peer.certificate.serialNumber);
  if (isRevoked(serial)) return { ok: false, reason: 'CERTIFICATE_REVOKED' };
  const agencyId = peer.certificate.subjectCN;
  if (agencyId === undefined || !PartyId.safeParse(agencyId).success)
    return { ok: false, reason: 'AGENCY_ID_INVALID' };
  return { ok: true, agencyId, serial };
}
