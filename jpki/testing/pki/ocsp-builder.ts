import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { Oid } from '../../oids.js';
import { pkiCrypto, toArrayBuffer } from '../../pki.js';
import { type RevocationReason, RevocationReasonCode } from '../../revocation.js';

export type OcspCertStatus =
  | { status: 'good' }
  | { status: 'revoked'; revokedAt: Date; reason: RevocationReason }
  | { status: 'unknown' };

export interface OcspSingleSpec {
  certId: pkijs.CertID;
  certStatus: OcspCertStatus;
  thisUpdate: Date;
  nextUpdate?: Date;
}

export interface OcspResponseSpec {
  /** The CA itself, or a delegated responder certified by it with id-kp-OCSPSigning. */
  signer: { certificate: pkijs.Certificate; privateKey: CryptoKey };
  /** Put the signer's certificate in the response (needed for a delegated responder). */
  includeSignerCertificate: boolean;
  producedAt: Date;
  responses: readonly OcspSingleSpec[];
  nonce?: Uint8Array;
}

function encodeCertStatus(status: OcspCertStatus): asn1js.BaseBlock {
  switch (status.status) {
    case 'good':
      return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
    case 'unknown':
      return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
    case 'revoked':
      return new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 1 },
        value: [
          new asn1js.GeneralizedTime({ valueDate: status.revokedAt }),
          new asn1js.Constructed({
            idBlock: { tagClass: 3, tagNumber: 0 },
            value: [new asn1js.Enumerated({ value: RevocationReasonCode[status.reason] })],
          }),
        ],
      });
  }
}

export const nonceExtension = (nonce: Uint8Array): pkijs.Extension =>
  new pkijs.Extension({
    extnID: Oid.ocspNonce,
    critical: false,
    extnValue: new asn1js.OctetString({ valueHex: toArrayBuffer(nonce) }).toBER(false),
  });

/** A signed, successful OCSPResponse (RFC 6960 §4.2) as DER. */
export async function buildOcspResponse(spec: OcspResponseSpec): Promise<Uint8Array> {
  const basic = new pkijs.BasicOCSPResponse();
  basic.tbsResponseData.responderID = spec.signer.certificate.subject;
  basic.tbsResponseData.producedAt = spec.producedAt;
  basic.tbsResponseData.responses = spec.responses.map(
    (single) =>
      new pkijs.SingleResponse({
        certID: single.certId,
        certStatus: encodeCertStatus(single.certStatus),
        thisUpdate: single.thisUpdate,
        ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}),
      }),
  );
  if (spec.nonce) basic.tbsResponseData.responseExtensions = [nonceExtension(spec.nonce)];
  if (spec.includeSignerCertificate) basic.certs = [spec.signer.certificate];
  await basic.sign(spec.signer.privateKey, 'SHA-256', pkiCrypto());
  return ocspResponseEnvelope(0, basic);
}

/** responseStatus 0 = successful; 1 malformedRequest, 2 internalError, 3 tryLater, 6 unauthorized. */
export function ocspResponseEnvelope(status: number, basic?: pkijs.BasicOCSPResponse): Uint8Array {
  const response = new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: status }) });
  if (basic) {
    response.responseBytes = new pkijs.ResponseBytes({
      responseType: Oid.ocspBasic,
      response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }),
    });
  }
  return new Uint8Array(response.toSchema().toBER(false));
}
