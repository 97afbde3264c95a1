import { beforeAll, describe, expect, it } from 'vitest';
import { isTsunagiError } from '../core/errors.js';
import { toPem } from './pki.js';
import type { RevocationChecker } from './revocation.js';
import { createRevocationChecker } from './revocation-checker.js';
import { createTestPki, type TestPki } from './testing/pki/index.js';
import { answering, silentLogger } from './testing/pki/support.js';
import { revocationRows, revokedDraft } from './testing/revocations.js';
import { type ValidationOptions, validateCertificate } from './validate.js';

let pki: TestPki;
let options: ValidationOptions;
const good = answering({ status: 'good', source: 'OCSP' });

beforeAll(async () => {
  pki = await createTestPki({ now: new Date('2026-04-01T00:00:00Z') });
  options = {
    trustAnchors: pki.trustAnchors,
    intermediates: pki.intermediates,
    at: pki.now,
    purpose: 'user-identification',
    revocation: good,
  };
});

const basicFour = {
  name: '山田 太郎',
  address: '東京都千代田区千代田1-1',
  dateOfBirth: '1980-01-02',
  gender: '1',
};

describe('validateCertificate', () => {
  it('accepts a valid user-identification certificate and says who issued it and how revocation was checked', async () => {
    const card = await pki.issueUserIdentification({ serialNumber: '1a2b3c' });
    const result = await validateCertificate(card.der, options);
    expect(result).toMatchObject({
      ok: true,
      serialNumber: '1a2b3c',
      issuer: 'C=JP,O=Tsunagi Test JPKI,CN=Test Issuing CA',
      subject: 'C=JP,CN=JPKI-TEST-1A2B3C',
      revocationSource: 'OCSP',
    });
    expect(result.ok && result.notAfter.getTime()).toBe(card.certificate.notAfter.value.getTime());
  });

  it('accepts PEM as well as DER', async () => {
    const card = await pki.issueUserIdentification();
    const result = await validateCertificate(toPem(card.der, 'CERTIFICATE'), options);
    expect(result.ok).toBe(true);
  });

  it('accepts a signing certificate for signing', async () => {
    const signing = await pki.issueSigning(basicFour);
    expect((await validateCertificate(signing.der, { ...options, purpose: 'signing' })).ok).toBe(true);
  });

  it.each([
    ['expired', 'EXPIRED'],
    ['not-yet-valid', 'NOT_YET_VALID'],
    ['wrong-chain', 'CHAIN_UNTRUSTED'],
    ['wrong-key-usage', 'KEY_USAGE_INVALID'],
    ['no-digital-signature', 'KEY_USAGE_INVALID'],
    ['tampered', 'SIGNATURE_INVALID'],
    ['sha1', 'SIGNATURE_ALGORITHM_NOT_ALLOWED'],
  ] as const)('refuses a %s certificate with %s', async (defect, reason) => {
    const card = await pki.issueUserIdentification({ defect });
    const result = await validateCertificate(card.der, options);
    expect(result).toMatchObject({ ok: false, reason });
  });

  it('refuses a certificate whose issuing CA was not supplied', async () => {
    const card = await pki.issueUserIdentification();
    const result = await validateCertificate(card.der, { ...options, intermediates: [] });
    expect(result).toMatchObject({ ok: false, reason: 'CHAIN_UNTRUSTED' });
  });

  it('refuses a signing certificate used to identify (wrong extended key usage)', async () => {
    const signing = await pki.issueSigning(basicFour);
    const result = await validateCertificate(signing.der, options);
    expect(result).toMatchObject({ ok: false, reason: 'EXTENDED_KEY_USAGE_INVALID' });
  });

  it('refuses a user-identification certificate used to sign (no nonRepudiation)', async () => {
    const card = await pki.issueUserIdentification();
    const result = await validateCertificate(card.der, { ...options, purpose: 'signing' });
    expect(result).toMatchObject({
      ok: false,
      reason: 'KEY_USAGE_INVALID',
      detail: 'keyUsage lacks nonRepudiation',
    });
  });

  it('refuses a CA certificate presented as a card certificate', async () => {
    const result = await validateCertificate(pki.intermediate.der, options);
    expect(result).toMatchObject({ ok: false, reason: 'KEY_USAGE_INVALID' });
  });

  it('refuses bytes that are not a certificate as MALFORMED', async () => {
    expect(await validateCertificate(new Uint8Array([0x30, 0x03, 1, 2, 3]), options)).toMatchObject({
      ok: false,
      reason: 'MALFORMED',
    });
    expect(
      await validateCertificate('-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----', options),
    ).toMatchObject({
      ok: false,
      reason: 'MALFORMED',
    });
  });

  it('refuses as MALFORMED, never throwing, a certificate whose key does not decode (found by fuzzing)', async () => {
    const card = Buffer.from((await pki.issueUserIdentification()).der);
    // The RSA modulus's INTEGER tag made a GeneralizedTime: asn1js throws when pkijs reads the key.
    const modulus = card.indexOf(Buffer.from([0x02, 0x82, 0x01, 0x01, 0x00]));
    expect(modulus).toBeGreaterThan(0);
    card[modulus] = 0x18;
    expect(await validateCertificate(card, options)).toMatchObject({ ok: false, reason: 'MALFORMED' });
  });

  it('refuses as MALFORMED a certificate whose outer length is wrong though its signed part is intact (found by fuzzing)', async () => {
    const card = Buffer.from((await pki.issueUserIdentification()).der);
    card[2] = (card[2] ?? 0) ^ 1; // 30 82 LL LL: the SEQUENCE's length, 256 off; asn1js read it anyway
    expect(await validateCertificate(card, options)).toMatchObject({ ok: false, reason: 'MALFORMED' });
    const signature = Buffer.from((await pki.issueUserIdentification()).der);
    const bitString = signature.lastIndexOf(Buffer.from([0x03, 0x82, 0x01, 0x01, 0x00]));
    signature[bitString + 2] = 0x05; // the signature BIT STRING's length 1,024 beyond the certificate's end
    expect(await validateCertificate(signature, options)).toMatchObject({ ok: false, reason: 'MALFORMED' });
  });

  it('refuses a certificate revoked in the CRL view, with when and why', async () => {
    const card = await pki.issueUserIdentification({ serialNumber: '0badc0de' });
    const revokedAt = new Date('2026-03-20T09:00:00Z');
    const view = revocationRows([
      revokedDraft('C=JP,O=Tsunagi Test JPKI,CN=Test Issuing CA', '0badc0de', revokedAt),
    ]);
    const revocation = createRevocationChecker({
      clock: { now: () => pki.now },
      logger: silentLogger(),
      revocations: view,
    });
    const result = await validateCertificate(card.der, { ...options, revocation });
    expect(result).toEqual({
      ok: false,
      reason: 'REVOKED',
      revokedAt,
      revocationReason: 'keyCompromise',
      detail: 'revoked per CRL',
    });
  });

  it('answers REVOCATION_UNKNOWN when revocation status cannot be established', async () => {
    const card = await pki.issueUserIdentification();
    const unknown = answering({ status: 'unknown', source: 'CRL', fallbackReason: 'OCSP_UNREACHABLE' });
    expect(await validateCertificate(card.der, { ...options, revocation: unknown })).toEqual({
      ok: false,
      reason: 'REVOCATION_UNKNOWN',
      detail: 'OCSP_UNREACHABLE',
    });
    const failing = { check: async () => Promise.reject(new Error('boom')) };
    expect(await validateCertificate(card.der, { ...options, revocation: failing })).toMatchObject({
      ok: false,
      reason: 'REVOCATION_UNKNOWN',
    });
  });

  it('does not ask about revocation for a certificate that already failed', async () => {
    let asked = 0;
    const counting: RevocationChecker = {
      check: async () => {
        asked += 1;
        return { status: 'good', source: 'OCSP' };
      },
    };
    const card = await pki.issueUserIdentification({ defect: 'expired' });
    await validateCertificate(card.der, { ...options, revocation: counting });
    expect(asked).toBe(0);
  });

  it('throws CONFIG_INVALID for a trust anchor that is not a certificate', async () => {
    const card = await pki.issueUserIdentification();
    const error = await validateCertificate(card.der, {
      ...options,
      trustAnchors: [new Uint8Array([1, 2])],
    }).catch((e: unknown) => e);
    expect(isTsunagiError(error) && error.code).toBe('CONFIG_INVALID');
  });
});
