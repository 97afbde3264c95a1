import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { KeyUsageBit, type KeyUsageName, Oid } from '../../oids.js';
import { pkiCrypto, toArrayBuffer } from '../../pki.js';
import { type SigningHash, withHash } from './keys.js';

export interface IssuedCertificate {
  der: Uint8Array;
  certificate: pkijs.Certificate;
  keys: CryptoKeyPair;
}

export interface CertificateSpec {
  /** Hex, positive (no leading bit set). */
  serialNumber: string;
  /** [attribute OID, value] in encoded order. */
  subject: readonly (readonly [string, string])[];
  keys: CryptoKeyPair;
  /** Absent: self-signed with `keys`. */
  issuer?: { certificate: pkijs.Certificate; privateKey: CryptoKey };
  /** The issuer name written into the certificate, when it must differ from the issuer's subject. */
  issuerName?: readonly (readonly [string, string])[];
  notBefore: Date;
  notAfter: Date;
  ca?: boolean;
  /** basicConstraints pathLenConstraint of a CA. */
  pathLength?: number;
  keyUsage: readonly KeyUsageName[];
  extKeyUsage?: readonly string[];
  /** subjectAltName otherName entries: [type OID, UTF8String value]. */
  otherNames?: readonly (readonly [string, string])[];
  hash?: SigningHash;
  /** Flip the last signature byte after signing. */
  tamper?: boolean;
  /** Further extensions, e.g. one no relying party knows. */
  extensions?: readonly { oid: string; critical: boolean; value: asn1js.BaseBlock }[];
}

/** One attribute per RDN, as X.500 names are normally written (pkijs alone would make one multi-valued RDN). */
export function buildName(
  attributes: readonly (readonly [string, string])[],
): pkijs.RelativeDistinguishedNames {
  const sequence = new asn1js.Sequence({
    value: attributes.map(
      ([type, value]) =>
        new asn1js.Set({
          value: [
            new pkijs.AttributeTypeAndValue({
              type,
              value:
                type === '2.5.4.6' ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value }),
            }).toSchema(),
          ],
        }),
    ),
  });
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(sequence.toBER(false)).result });
}

export function keyUsageBits(usages: readonly KeyUsageName[]): asn1js.BitString {
  const bits = usages.map((usage) => KeyUsageBit[usage]);
  const highest = Math.max(0, ...bits);
  const bytes = new Uint8Array(highest < 8 ? 1 : 2);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  return new asn1js.BitString({ valueHex: toArrayBuffer(bytes), unusedBits: 7 - (highest & 7) });
}

function otherNamesValue(entries: readonly (readonly [string, string])[]): asn1js.Sequence {
  return new asn1js.Sequence({
    value: entries.map(
      ([type, value]) =>
        new asn1js.Constructed({
          idBlock: { tagClass: 3, tagNumber: 0 },
          value: [
            new asn1js.ObjectIdentifier({ value: type }),
            new asn1js.Constructed({
              idBlock: { tagClass: 3, tagNumber: 0 },
              value: [new asn1js.Utf8String({ value })],
            }),
          ],
        }),
    ),
  });
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (an identifier, not a security use). */
export async function keyIdentifier(info: pkijs.PublicKeyInfo): Promise<Uint8Array> {
  const bits = new Uint8Array(info.subjectPublicKey.valueBlock.valueHexView);
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-1', bits));
}

const ext = (extnID: string, critical: boolean, value: asn1js.BaseBlock): pkijs.Extension =>
  new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });

/** Issues one X.509 v3 certificate; the building block of the test PKI. */
export async function issueCertificate(spec: CertificateSpec): Promise<IssuedCertificate> {
  const crypto = pkiCrypto();
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({
    valueHex: toArrayBuffer(Buffer.from(spec.serialNumber, 'hex')),
  });
  certificate.subject = buildName(spec.subject);
  certificate.issuer = spec.issuerName
    ? buildName(spec.issuerName)
    : spec.issuer
      ? spec.issuer.certificate.subject
      : buildName(spec.subject);
  certificate.notBefore.value = spec.notBefore;
  certificate.notAfter.value = spec.notAfter;
  await certificate.subjectPublicKeyInfo.importKey(spec.keys.publicKey, crypto);

  const subjectKeyId = await keyIdentifier(certificate.subjectPublicKeyInfo);
  const issuerKeyId = spec.issuer
    ? await keyIdentifier(spec.issuer.certificate.subjectPublicKeyInfo)
    : subjectKeyId;
  const extensions = [
    ext(Oid.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: toArrayBuffer(subjectKeyId) })),
    ext(
      Oid.authorityKeyIdentifier,
      false,
      new pkijs.AuthorityKeyIdentifier({
        keyIdentifier: new asn1js.OctetString({ valueHex: toArrayBuffer(issuerKeyId) }),
      }).toSchema(),
    ),
    ext(Oid.keyUsage, true, keyUsageBits(spec.keyUsage)),
  ];
  if (spec.ca) {
    const constraints = new pkijs.BasicConstraints({
      cA: true,
      ...(spec.pathLength === undefined ? {} : { pathLenConstraint: spec.pathLength }),
    });
    extensions.push(ext(Oid.basicConstraints, true, constraints.toSchema()));
  }
  if (spec.extKeyUsage?.length) {
    extensions.push(
      ext(Oid.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: [...spec.extKeyUsage] }).toSchema()),
    );
  }
  if (spec.otherNames?.length)
    extensions.push(ext(Oid.subjectAltName, false, otherNamesValue(spec.otherNames)));
  for (const extra of spec.extensions ?? []) extensions.push(ext(extra.oid, extra.critical, extra.value));
  certificate.extensions = extensions;

  const signer = spec.issuer?.privateKey ?? spec.keys.privateKey;
  const hash = spec.hash ?? 'SHA-256';
  await certificate.sign(await withHash(signer, hash), hash, crypto);
  const der = new Uint8Array(certificate.toSchema(false).toBER(false));
  if (spec.tamper) der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0xff;
  const parsed = new pkijs.Certificate({ schema: asn1js.fromBER(toArrayBuffer(der)).result });
  return { der, certificate: parsed, keys: spec.keys };
}
