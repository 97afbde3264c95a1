import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Result } from '../core/result.js';
import { refuse } from '../core/result.js';
import { ALLOWED_SIGNATURE_ALGORITHMS, extendedKeyUsages } from './certificate-profile.js';
import { checkValidity } from './chain.js';
import { Oid } from './oids.js';
import { extensionValue, parseDer, pkiCrypto, toArrayBuffer, toHex } from './pki.js';
import { type RevocationReason, reasonFromCode } from './revocation.js';

/**
 * RFC 6960 request building and response verification, without I/O. The HTTP side and the
 * cache are in ocsp-client.ts.
 */
export type OcspRefusal =
  | 'MALFORMED'
  | 'RESPONDER_ERROR'
  | 'SIGNATURE_ALGORITHM_NOT_ALLOWED'
  | 'SIGNATURE_INVALID'
  | 'RESPONDER_UNAUTHORIZED'
  | 'NONCE_MISMATCH'
  | 'NO_MATCHING_RESPONSE'
  | 'STALE';

export type OcspStatus =
  | { status: 'good' }
  | { status: 'revoked'; revokedAt: Date; reason: RevocationReason }
  | { status: 'unknown' };

export type OcspVerified = OcspStatus & { thisUpdate: Date; nextUpdate?: Date };

/** Tolerated clock difference between us and the responder. */
export const OCSP_CLOCK_SKEW_MS = 5 * 60_000;
const RESPONSE_STATUS = [
  'successful',
  'malformedRequest',
  'internalError',
  'tryLater',
  '4',
  'sigRequired',
  'unauthorized',
];

export async function buildOcspRequest(
  certificate: pkijs.Certificate,
  issuerCertificate: pkijs.Certificate,
  nonce: Uint8Array,
): Promise<{ der: Uint8Array; certId: pkijs.CertID }> {
  const certId = await pkijs.CertID.create(
    certificate,
    { issuerCertificate, hashAlgorithm: 'SHA-256' },
    pkiCrypto(),
  );
  const request = new pkijs.OCSPRequest();
  request.tbsRequest.requestList = [new pkijs.Request({ reqCert: certId })];
  request.tbsRequest.requestExtensions = [
    new pkijs.Extension({
      extnID: Oid.ocspNonce,
      extnValue: new asn1js.OctetString({ valueHex: toArrayBuffer(nonce) }).toBER(false),
    }),
  ];
  return { der: new Uint8Array(request.toSchema(true).toBER(false)), certId };
}

/** The nonce octets of a request or response extension list (RFC 8954: an OCTET STRING). */
export function readNonce(extensions: readonly pkijs.Extension[] | undefined): Uint8Array | undefined {
  const found = extensions?.find((ext) => ext.extnID === Oid.ocspNonce);
  if (!found) return undefined;
  const inner = extensionValue(found);
  return inner instanceof asn1js.OctetString
    ? new Uint8Array(inner.valueBlock.valueHexView)
    : new Uint8Array(found.extnValue.valueBlock.valueHexView);
}

async function keyHash(certificate: pkijs.Certificate): Promise<string> {
  const bits = new Uint8Array(certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
  return toHex(await globalThis.crypto.subtle.digest('SHA-1', bits));
}

async function matchesResponderId(responderId: unknown, certificate: pkijs.Certificate): Promise<boolean> {
  if (responderId instanceof pkijs.RelativeDistinguishedNames)
    return responderId.isEqual(certificate.subject);
  if (responderId instanceof asn1js.OctetString) {
    return toHex(responderId.valueBlock.valueHexView) === (await keyHash(certificate));
  }
  return false;
}

/** RFC 6960 §4.2.2.2: the CA itself, or a certificate it issued for id-kp-OCSPSigning. */
async function authorisedSigner(
  basic: pkijs.BasicOCSPResponse,
  issuerCertificate: pkijs.Certificate,
  at: Date,
): Promise<pkijs.Certificate | undefined> {
  const responderId = basic.tbsResponseData.responderID;
  if (await matchesResponderId(responderId, issuerCertificate)) return issuerCertificate;
  for (const candidate of basic.certs ?? []) {
    if (!(await matchesResponderId(responderId, candidate))) continue;
    const issued = await candidate.verify(issuerCertificate, pkiCrypto()).catch(() => false);
    const delegated = extendedKeyUsages(candidate)?.includes(Oid.kpOcspSigning) ?? false;
    if (issued && delegated && checkValidity(candidate, at, 'responder') === undefined) return candidate;
  }
  return undefined;
}

function decodeStatus(certStatus: asn1js.BaseBlock): OcspStatus | undefined {
  const { tagClass, tagNumber } = certStatus.idBlock;
  if (tagClass !== 3) return undefined;
  if (tagNumber === 0) return { status: 'good' };
  if (tagNumber === 2) return { status: 'unknown' };
  if (tagNumber !== 1) return undefined;
  const [time, reasonBlock] = (certStatus as asn1js.Constructed).valueBlock.value;
  if (!(time instanceof asn1js.GeneralizedTime)) return undefined;
  const reason = (reasonBlock as asn1js.Constructed | undefined)?.valueBlock?.value?.[0];
  const code = reason instanceof asn1js.Enumerated ? reason.valueBlock.valueDec : undefined;
  return { status: 'revoked', revokedAt: time.toDate(), reason: reasonFromCode(code) };
}

/**
 * Checks an OCSPResponse for one certificate: success status, basic type, an authorised and
 * valid signature, our nonce echoed, a SingleResponse for our CertID, and thisUpdate/nextUpdate
 * around `at` (± OCSP_CLOCK_SKEW_MS).
 */
export async function verifyOcspResponse(
  der: Uint8Array,
  expected: { certId: pkijs.CertID; issuerCertificate: pkijs.Certificate; nonce?: Uint8Array; at: Date },
): Promise<Result<{ answer: OcspVerified }, OcspRefusal>> {
  const envelope = parseDer(der, (schema) => new pkijs.OCSPResponse({ schema }));
  if (!envelope) return refuse('MALFORMED', 'not an OCSPResponse');
  const status = envelope.responseStatus.valueBlock.valueDec;
  if (status !== 0) return refuse('RESPONDER_ERROR', RESPONSE_STATUS[status] ?? String(status));
  const bytes = envelope.responseBytes;
  if (!bytes || bytes.responseType !== Oid.ocspBasic) return refuse('MALFORMED', 'not a basic OCSP response');
  const basic = parseDer(
    new Uint8Array(bytes.response.valueBlock.valueHexView),
    (schema) => new pkijs.BasicOCSPResponse({ schema }),
  );
  if (!basic) return refuse('MALFORMED', 'basic response does not decode');
  if (!ALLOWED_SIGNATURE_ALGORITHMS.has(basic.signatureAlgorithm.algorithmId)) {
    return refuse('SIGNATURE_ALGORITHM_NOT_ALLOWED', basic.signatureAlgorithm.algorithmId);
  }
  const signer = await authorisedSigner(basic, expected.issuerCertificate, expected.at);
  if (!signer) return refuse('RESPONDER_UNAUTHORIZED');
  const signed = await pkiCrypto()
    .verifyWithPublicKey(
      basic.tbsResponseData.tbsView as Uint8Array<ArrayBuffer>,
      basic.signature,
      signer.subjectPublicKeyInfo,
      basic.signatureAlgorithm,
    )
    .catch(() => false);
  if (!signed) return refuse('SIGNATURE_INVALID');
  if (expected.nonce) {
    const echoed = readNonce(basic.tbsResponseData.responseExtensions);
    if (!echoed || toHex(echoed) !== toHex(expected.nonce)) return refuse('NONCE_MISMATCH');
  }
  const single = basic.tbsResponseData.responses.find((response) => response.certID.isEqual(expected.certId));
  if (!single) return refuse('NO_MATCHING_RESPONSE');
  const answer = decodeStatus(single.certStatus);
  if (!answer) return refuse('MALFORMED', 'certStatus does not decode');
  const now = expected.at.getTime();
  if (single.thisUpdate.getTime() > now + OCSP_CLOCK_SKEW_MS)
    return refuse('STALE', 'thisUpdate in the future');
  if (single.nextUpdate && single.nextUpdate.getTime() < now - OCSP_CLOCK_SKEW_MS) return refuse('STALE');
  return {
    ok: true,
    answer: {
      ...answer,
      thisUpdate: single.thisUpdate,
      ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}),
    },
  };
}
