import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { Oid } from '../../oids.js';
import { pkiCrypto, toArrayBuffer } from '../../pki.js';
import { type RevocationReason, RevocationReasonCode } from '../../revocation.js';

export interface CrlEntrySpec {
  serialNumber: string;
  revokedAt: Date;
  reason: RevocationReason;
}

export interface CrlSpec {
  issuer: { certificate: pkijs.Certificate; privateKey: CryptoKey };
  thisUpdate: Date;
  nextUpdate: Date;
  entries: readonly CrlEntrySpec[];
  crlNumber?: number;
  /** Sign with this key instead of the issuer's (a CRL whose signature does not verify). */
  signingKey?: CryptoKey;
}

const integerFromHex = (hex: string) =>
  new asn1js.Integer({ valueHex: toArrayBuffer(Buffer.from(hex, 'hex')) });

/** A v2 CRL with a reason code on every entry and a CRL number, signed SHA-256 with RSA. */
export async function issueCrl(spec: CrlSpec): Promise<Uint8Array> {
  const crl = new pkijs.CertificateRevocationList();
  crl.version = 1;
  crl.issuer = spec.issuer.certificate.subject;
  crl.thisUpdate = new pkijs.Time({ type: 0, value: spec.thisUpdate });
  crl.nextUpdate = new pkijs.Time({ type: 0, value: spec.nextUpdate });
  if (spec.entries.length > 0) {
    crl.revokedCertificates = spec.entries.map(
      (entry) =>
        new pkijs.RevokedCertificate({
          userCertificate: integerFromHex(entry.serialNumber),
          revocationDate: new pkijs.Time({ type: 0, value: entry.revokedAt }),
          crlEntryExtensions: new pkijs.Extensions({
            extensions: [
              new pkijs.Extension({
                extnID: Oid.crlReason,
                critical: false,
                extnValue: new asn1js.Enumerated({ value: RevocationReasonCode[entry.reason] }).toBER(false),
              }),
            ],
          }),
        }),
    );
  }
  crl.crlExtensions = new pkijs.Extensions({
    extensions: [
      new pkijs.Extension({
        extnID: Oid.crlNumber,
        critical: false,
        extnValue: new asn1js.Integer({ value: spec.crlNumber ?? 1 }).toBER(false),
      }),
    ],
  });
  await crl.sign(spec.signingKey ?? spec.issuer.privateKey, 'SHA-256', pkiCrypto());
  return new Uint8Array(crl.toSchema(true).toBER(false));
}
