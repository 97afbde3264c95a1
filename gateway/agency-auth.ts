import { PartyId } from '../schemas/primitives.js';

/** Why a client certificate is refused; the 401 body carries it as `reason`. */
export const AUTH_REFUSALS = [
  'CERTIFICATE_MISSING',
  'CERTIFICATE_EXPIRED',
  'CERTIFICATE_NOT_YET_VALID',
  'CERTIFICATE_UNTRUSTED',
  'CERTIFICATE_REVOKED',
  'CERTIFICATE_PURPOSE_INVALID',
  'AGENCY_ID_INVALID',
] as const;
export type AuthRefusal = (typeof AUTH_REFUSALS)[number];

/** id-kp-clientAuth (RFC 5280 §4.2.1.12): the only purpose an agency client certificate may serve here. */
export const CLIENT_AUTH_PURPOSE = '1.3.6.1.5.5.7.3.2';

/** The client certificate of a connection's handshake, as read once right after it. */
export interface PresentedCertificate {
  subjectCN?: string | undefined;
  serialNumber: string;
  /** Extended key usage OIDs; undefined when the certificate has no such extension. */
  extendedKeyUsage?: readonly string[] | undefined;
  validFrom: Date;
  validTo: Date;
  /** SHA-256 of the certificate's DER. */
  fingerprint: Uint8Array;
  /** Signed by one of the agency CAs, so that its fingerprint names an organisation's certificate. */
  issuedByAgencyCa: boolean;
}

/** What the TLS layer tells about the peer right after the handshake (node's TLSSocket). */
export interface PeerFacts {
  /** The chain OpenSSL verified against the agency CA in this handshake. */
  authorized: boolean;
  /** OpenSSL's verification error code when not authorized, e.g. CERT_HAS_EXPIRED. */
  authorizationError?: string | null;
  /** Absent when the client sent no certificate. */
  certificate?: PresentedCertificate | undefined;
}

/**
 * What one TLS connection proved, once, right after its handshake. The fingerprint is kept only for
 * certificates of the agency PKI: another issuer's certificate may be a person's (a browser can offer
 * a resident's card certificate), and the security audit stream holds no personal data.
 */
export type ConnectionIdentity =
  | { ok: true; agencyId: string; serial: string; validFrom: Date; validTo: Date; fingerprint: Uint8Array }
  | { ok: false; reason: AuthRefusal; fingerprint: Uint8Array | null };

export type AgencyAuthentication =
  | { ok: true; agencyId: string; serial: string; fingerprint: Uint8Array }
  | { ok: false; reason: AuthRefusal; fingerprint: Uint8Array | null };

/** Hex serial as a comparable key: lowercase, no separators, no leading zeros. */
export const normaliseSerial = (serial: string): string =>
  serial
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '')
    .replace(/^0+(?=.)/, '');

const OPENSSL_REFUSALS: Readonly<Record<string, AuthRefusal>> = {
  CERT_HAS_EXPIRED: 'CERTIFICATE_EXPIRED',
  CERT_NOT_YET_VALID: 'CERTIFICATE_NOT_YET_VALID',
  CERT_REVOKED: 'CERTIFICATE_REVOKED',
  INVALID_PURPOSE: 'CERTIFICATE_PURPOSE_INVALID',
};

const validityAt = (window: { validFrom: Date; validTo: Date }, now: Date): AuthRefusal | undefined =>
  now < window.validFrom
    ? 'CERTIFICATE_NOT_YET_VALID'
    : now > window.validTo
      ? 'CERTIFICATE_EXPIRED'
      : undefined;

/**
 * Authenticates a connection from the certificate of its (only) handshake. Pure. Guarantees: the
 * chain was verified against the agency CA (OpenSSL, `authorized`); the certificate names
 * id-kp-clientAuth explicitly (a certificate without extendedKeyUsage, or a server certificate, is
 * refused); it is valid at `now` (checked here too, since a resumed session is not re-verified);
 * its subject CN is one agency id (a 6-digit local government code or an id such as `jps`).
 */
export function verifyPeer(peer: PeerFacts, now: Date): ConnectionIdentity {
  const presented = peer.certificate;
  if (!presented?.serialNumber) return { ok: false, reason: 'CERTIFICATE_MISSING', fingerprint: null };
  const fingerprint = peer.authorized || presented.issuedByAgencyCa ? presented.fingerprint : null;
  const refuse = (reason: AuthRefusal): ConnectionIdentity => ({ ok: false, reason, fingerprint });
  if (!peer.authorized)
    return refuse(OPENSSL_REFUSALS[peer.authorizationError ?? ''] ?? 'CERTIFICATE_UNTRUSTED');
  if (!presented.extendedKeyUsage?.includes(CLIENT_AUTH_PURPOSE))
    return refuse('CERTIFICATE_PURPOSE_INVALID');
  const invalid = validityAt(presented, now);
  if (invalid) return refuse(invalid);
  const agencyId = presented.subjectCN;
  if (agencyId === undefined || !PartyId.safeParse(agencyId).success) return refuse('AGENCY_ID_INVALID');
  return {
    ok: true,
    agencyId,
    serial: normaliseSerial(presented.serialNumber),
    validFrom: presented.validFrom,
    validTo: presented.validTo,
    fingerprint: presented.fingerprint,
  };
}

/**
 * Each request on a connection: the identity its handshake proved, still unrevoked and unexpired
 * now (a keep-alive connection can outlive either). Never reads the certificate again. Pure.
 */
export function authenticateRequest(
  identity: ConnectionIdentity,
  now: Date,
  isRevoked: (serial: string) => boolean,
): AgencyAuthentication {
  if (!identity.ok) return identity;
  const { agencyId, serial, fingerprint } = identity;
  if (isRevoked(serial)) return { ok: false, reason: 'CERTIFICATE_REVOKED', fingerprint };
  const invalid = validityAt(identity, now);
  if (invalid) return { ok: false, reason: invalid, fingerprint };
  return { ok: true, agencyId, serial, fingerprint };
}
