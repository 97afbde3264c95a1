import * as asn1js from 'asn1js';
import { beforeAll, describe, expect, it } from 'vitest';
import { Oid } from './oids.js';
import {
  type CertificateSpec,
  type IssuedCertificate,
  issueCertificate,
} from './testing/pki/certificate-builder.js';
import { createTestPki, randomSerial, type TestPki } from './testing/pki/index.js';
import { generateRsaKeys } from './testing/pki/keys.js';
import { answering } from './testing/pki/support.js';
import { validateCertificate } from './validate.js';

/**
 * RFC 5280 path validation cases with certificates from our pkijs test PKI (the same cases made by
 * OpenSSL are in openssl-interop.unit.test.ts): pathLenConstraint, unknown critical extensions,
 * and the classic issuer checks. Each case asserts the exact reason and detail.
 */
const DAY = 86_400_000;
const UNKNOWN_OID = '1.3.6.1.4.1.32473.9.1';
let pki: TestPki;
let keys: CryptoKeyPair;

const caName = (cn: string) =>
  [
    ['2.5.4.6', 'JP'],
    ['2.5.4.10', 'Tsunagi Test JPKI'],
    ['2.5.4.3', cn],
  ] as const;
const signer = (issued: IssuedCertificate) => ({
  certificate: issued.certificate,
  privateKey: issued.keys.privateKey,
});

function issue(
  spec: Partial<CertificateSpec> & Pick<CertificateSpec, 'subject'>,
): Promise<IssuedCertificate> {
  return issueCertificate({
    serialNumber: randomSerial(),
    keys,
    notBefore: new Date(pki.now.getTime() - DAY),
    notAfter: new Date(pki.now.getTime() + 365 * DAY),
    keyUsage: ['keyCertSign', 'cRLSign'],
    ...spec,
  });
}

/** Each CA gets its own key: pkijs's path search matches issuers by key identifier. */
const ca = async (cn: string, issuer: IssuedCertificate, extra: Partial<CertificateSpec> = {}) =>
  issue({ subject: caName(cn), issuer: signer(issuer), ca: true, keys: await generateRsaKeys(), ...extra });

const card = (issuer: IssuedCertificate, extra: Partial<CertificateSpec> = {}) =>
  issue({
    subject: [
      ['2.5.4.6', 'JP'],
      ['2.5.4.3', 'JPKI-TEST-PATH'],
    ],
    issuer: signer(issuer),
    keyUsage: ['digitalSignature'],
    extKeyUsage: [Oid.kpClientAuth],
    ...extra,
  });

const unknownExtension = (critical: boolean) => ({
  oid: UNKNOWN_OID,
  critical,
  value: new asn1js.Utf8String({ value: 'no relying party knows this' }),
});

async function validate(leaf: IssuedCertificate, intermediates: IssuedCertificate[], anchor = pki.root) {
  return validateCertificate(leaf.der, {
    trustAnchors: [anchor.der],
    intermediates: intermediates.map((c) => c.der),
    at: pki.now,
    purpose: 'user-identification',
    revocation: answering({ status: 'good', source: 'OCSP' }),
  });
}

beforeAll(async () => {
  pki = await createTestPki({ now: new Date('2026-04-01T00:00:00Z') });
  keys = await generateRsaKeys();
});

describe('pathLenConstraint (RFC 5280 §4.2.1.9, §6.1.4 (l), (m))', () => {
  it('refuses a chain with one CA more below an issuing CA than its pathLenConstraint allows', async () => {
    const limited = await ca('Limited CA', pki.root, { pathLength: 0 });
    const below = await ca('Sub CA', limited);
    expect(await validate(await card(below), [limited, below])).toEqual({
      ok: false,
      reason: 'PATH_LENGTH_EXCEEDED',
      detail:
        'issuing CA at depth 2 allows 0 intermediate CA(s) below it (pathLenConstraint); the path has 1',
    });
  });

  it("enforces the trust anchor's own pathLenConstraint", async () => {
    const root = await issue({
      subject: caName('Short Root'),
      ca: true,
      pathLength: 1,
      keys: await generateRsaKeys(),
    });
    const first = await ca('First CA', root);
    const second = await ca('Second CA', first);
    expect(await validate(await card(second), [first, second], root)).toEqual({
      ok: false,
      reason: 'PATH_LENGTH_EXCEEDED',
      detail: 'trust anchor allows 1 intermediate CA(s) below it (pathLenConstraint); the path has 2',
    });
  });

  it('accepts a chain within the limits', async () => {
    const limited = await ca('Limited CA', pki.root, { pathLength: 1 });
    const below = await ca('Sub CA', limited, { pathLength: 0 });
    expect((await validate(await card(below), [limited, below])).ok).toBe(true);
  });

  it('does not count a self-issued CA (key rollover) against pathLenConstraint', async () => {
    const limited = await ca('Limited CA', pki.root, { pathLength: 0 });
    // Same name as its issuer, its own key: a CA certifying its new key with its old one.
    const rollover = await ca('Limited CA', limited);
    const leaf = await card(rollover, {});
    expect(await validate(leaf, [limited, rollover])).toMatchObject({ ok: true });
  });
});

describe('critical extensions (RFC 5280 §4.2)', () => {
  it('refuses a card certificate with an unknown critical extension, naming it', async () => {
    const leaf = await card(pki.intermediate, { extensions: [unknownExtension(true)] });
    expect(await validate(leaf, [pki.intermediate])).toEqual({
      ok: false,
      reason: 'CRITICAL_EXTENSION_UNKNOWN',
      detail: `certificate: unknown critical extension ${UNKNOWN_OID}`,
    });
  });

  it('refuses an issuing CA with an unknown critical extension', async () => {
    const odd = await ca('Odd CA', pki.root, { extensions: [unknownExtension(true)] });
    expect(await validate(await card(odd), [odd])).toEqual({
      ok: false,
      reason: 'CRITICAL_EXTENSION_UNKNOWN',
      detail: `issuing CA at depth 1: unknown critical extension ${UNKNOWN_OID}`,
    });
  });

  it('accepts the same extension when it is not critical', async () => {
    const leaf = await card(pki.intermediate, { extensions: [unknownExtension(false)] });
    expect((await validate(leaf, [pki.intermediate])).ok).toBe(true);
  });
});

describe('classic issuer checks (RFC 5280 §6.1.3, §6.1.4)', () => {
  it('refuses an issuer whose basicConstraints do not make it a CA', async () => {
    const notCa = await card(pki.intermediate, { subject: caName('Not a CA') });
    const leaf = await card(notCa);
    expect(await validate(leaf, [pki.intermediate, notCa])).toEqual({
      ok: false,
      reason: 'CHAIN_UNTRUSTED',
      detail: 'issuing CA at depth 1 is not a CA',
    });
  });

  it('refuses a certificate whose issuer name does not chain to the CA that signed it', async () => {
    const leaf = await card(pki.intermediate, { issuerName: caName('Some Other CA') });
    expect(await validate(leaf, [pki.intermediate])).toEqual({
      ok: false,
      reason: 'CHAIN_UNTRUSTED',
      detail: 'no trusted issuer for certificate at depth 0',
    });
  });

  it('refuses an issuing CA whose keyUsage lacks keyCertSign', async () => {
    const crlOnly = await ca('CRL-only CA', pki.root, { keyUsage: ['cRLSign'] });
    expect(await validate(await card(crlOnly), [crlOnly])).toEqual({
      ok: false,
      reason: 'CHAIN_UNTRUSTED',
      detail: 'issuing CA at depth 1: keyUsage lacks keyCertSign',
    });
  });

  it('refuses a trust anchor that is not a CA', async () => {
    const notCaRoot = await issue({
      subject: caName('Not a CA Root'),
      keyUsage: ['keyCertSign'],
      keys: await generateRsaKeys(),
    });
    const leaf = await card(notCaRoot);
    expect(await validate(leaf, [], notCaRoot)).toEqual({
      ok: false,
      reason: 'CHAIN_UNTRUSTED',
      detail: 'trust anchor is not a CA',
    });
  });
});
