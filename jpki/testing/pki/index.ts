import { randomBytes } from 'node:crypto';
import type { BasicFour } from '../../basic-four.js';
import { BasicFourOid, Oid } from '../../oids.js';
import { type IssuedCertificate, issueCertificate } from './certificate-builder.js';
import { type CrlEntrySpec, issueCrl } from './crl-builder.js';
import { generateRsaKeys } from './keys.js';

/**
 * A JPKI-like test PKI, generated in memory at test or demo time and never committed:
 * root CA → issuing (intermediate) CA → user-identification and signing certificates, a
 * delegated OCSP responder, and an unrelated root for wrong-chain tests. Profile: docs/jpki.md.
 */
export type CertificateDefect =
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-chain'
  | 'wrong-key-usage'
  | 'no-digital-signature'
  | 'tampered'
  | 'sha1';

export interface LeafOptions {
  serialNumber?: string;
  defect?: CertificateDefect;
  /** The card's own key pair (default: the one key every test card shares). */
  keys?: CryptoKeyPair;
}

export interface TestPki {
  now: Date;
  root: IssuedCertificate;
  intermediate: IssuedCertificate;
  /** Delegated OCSP responder: issued by the intermediate, id-kp-OCSPSigning. */
  ocspResponder: IssuedCertificate;
  /** A root the relying party does not trust. */
  otherRoot: IssuedCertificate;
  trustAnchors: Uint8Array[];
  intermediates: Uint8Array[];
  issueUserIdentification(options?: LeafOptions): Promise<IssuedCertificate>;
  issueSigning(basicFour: BasicFour, options?: LeafOptions): Promise<IssuedCertificate>;
  issueCrl(
    entries: readonly CrlEntrySpec[],
    options?: { thisUpdate?: Date; nextUpdate?: Date; crlNumber?: number; badSignature?: boolean },
  ): Promise<Uint8Array>;
}

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const at = (base: Date, offsetMs: number) => new Date(base.getTime() + offsetMs);

/** Positive 16-byte serial as hex (high bit clear so DER needs no padding). */
export const randomSerial = (): string => {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x10;
  return bytes.toString('hex');
};

/** The subject of a card certificate: a serial-like CN, never a name or a My Number. */
const cardSubject = (serial: string) =>
  [
    ['2.5.4.6', 'JP'],
    ['2.5.4.3', `JPKI-TEST-${serial.slice(0, 12).toUpperCase()}`],
  ] as const;

const caSubject = (role: string) =>
  [
    ['2.5.4.6', 'JP'],
    ['2.5.4.10', 'Tsunagi Test JPKI'],
    ['2.5.4.3', role],
  ] as const;

export async function createTestPki(options: { now?: Date } = {}): Promise<TestPki> {
  const now = options.now ?? new Date();
  const [rootKeys, intermediateKeys, responderKeys, otherKeys, cardKeys] = await Promise.all(
    Array.from({ length: 5 }, () => generateRsaKeys()),
  );
  if (!rootKeys || !intermediateKeys || !responderKeys || !otherKeys || !cardKeys)
    throw new Error('keygen failed');
  const caValidity = { notBefore: at(now, -YEAR), notAfter: at(now, 10 * YEAR) };
  const caUsage = ['keyCertSign', 'cRLSign'] as const;

  const root = await issueCertificate({
    serialNumber: randomSerial(),
    subject: caSubject('Test Root CA'),
    keys: rootKeys,
    ca: true,
    keyUsage: caUsage,
    ...caValidity,
  });
  const rootIssuer = { certificate: root.certificate, privateKey: rootKeys.privateKey };
  const intermediate = await issueCertificate({
    serialNumber: randomSerial(),
    subject: caSubject('Test Issuing CA'),
    keys: intermediateKeys,
    issuer: rootIssuer,
    ca: true,
    keyUsage: caUsage,
    ...caValidity,
  });
  const issuing = { certificate: intermediate.certificate, privateKey: intermediateKeys.privateKey };
  const ocspResponder = await issueCertificate({
    serialNumber: randomSerial(),
    subject: caSubject('Test OCSP Responder'),
    keys: responderKeys,
    issuer: issuing,
    keyUsage: ['digitalSignature'],
    extKeyUsage: [Oid.kpOcspSigning],
    notBefore: at(now, -DAY),
    notAfter: at(now, YEAR),
  });
  const otherRoot = await issueCertificate({
    serialNumber: randomSerial(),
    subject: caSubject('Untrusted Root CA'),
    keys: otherKeys,
    ca: true,
    keyUsage: caUsage,
    ...caValidity,
  });
  const otherIssuer = { certificate: otherRoot.certificate, privateKey: otherKeys.privateKey };

  async function issueCard(
    purpose: { keyUsage: readonly ('digitalSignature' | 'nonRepudiation')[]; eku: string },
    otherNames: readonly (readonly [string, string])[] | undefined,
    leaf: LeafOptions,
  ): Promise<IssuedCertificate> {
    const serialNumber = leaf.serialNumber ?? randomSerial();
    const defect = leaf.defect;
    const validity =
      defect === 'expired'
        ? { notBefore: at(now, -6 * YEAR), notAfter: at(now, -DAY) }
        : defect === 'not-yet-valid'
          ? { notBefore: at(now, DAY), notAfter: at(now, 5 * YEAR) }
          : { notBefore: at(now, -30 * DAY), notAfter: at(now, 5 * YEAR) };
    const keyUsage =
      defect === 'wrong-key-usage'
        ? (['digitalSignature', 'keyCertSign'] as const)
        : defect === 'no-digital-signature'
          ? (['keyEncipherment'] as const)
          : purpose.keyUsage;
    return issueCertificate({
      serialNumber,
      subject: cardSubject(serialNumber),
      keys: leaf.keys ?? (cardKeys as CryptoKeyPair),
      issuer: defect === 'wrong-chain' ? otherIssuer : issuing,
      keyUsage,
      extKeyUsage: [purpose.eku],
      ...(otherNames ? { otherNames } : {}),
      ...validity,
      hash: defect === 'sha1' ? 'SHA-1' : 'SHA-256',
      tamper: defect === 'tampered',
    });
  }

  return {
    now,
    root,
    intermediate,
    ocspResponder,
    otherRoot,
    trustAnchors: [root.der],
    intermediates: [intermediate.der],
    issueUserIdentification: (leaf = {}) =>
      issueCard({ keyUsage: ['digitalSignature'], eku: Oid.kpClientAuth }, undefined, leaf),
    issueSigning: (basicFour, leaf = {}) =>
      issueCard(
        { keyUsage: ['digitalSignature', 'nonRepudiation'], eku: Oid.kpDocumentSigning },
        [
          [BasicFourOid.name, basicFour.name],
          [BasicFourOid.address, basicFour.address],
          [BasicFourOid.dateOfBirth, basicFour.dateOfBirth],
          [BasicFourOid.gender, basicFour.gender],
        ],
        leaf,
      ),
    issueCrl: (entries, crl = {}) =>
      issueCrl({
        issuer: issuing,
        entries,
        thisUpdate: crl.thisUpdate ?? at(now, -DAY / 2),
        nextUpdate: crl.nextUpdate ?? at(now, DAY),
        ...(crl.crlNumber ? { crlNumber: crl.crlNumber } : {}),
        ...(crl.badSignature ? { signingKey: otherKeys.privateKey } : {}),
      }),
  };
}
