import { beforeAll, describe, expect, it } from 'vitest';
import { diffRevocations, parseCrl, validateCrl } from './crl.js';
import { toPem } from './pki.js';
import { createRevocationChecker } from './revocation-checker.js';
import { revokedStatus } from './revocation-events.js';
import { createTestPki, type TestPki } from './testing/pki/index.js';
import { silentLogger } from './testing/pki/support.js';
import { revocationRows } from './testing/revocations.js';
import { validateCertificate } from './validate.js';

const HOUR = 3_600_000;
const ISSUER = 'C=JP,O=Tsunagi Test JPKI,CN=Test Issuing CA';
let pki: TestPki;

beforeAll(async () => {
  pki = await createTestPki({ now: new Date('2026-04-01T00:00:00Z') });
});

const keyCompromised = {
  serialNumber: '1001',
  revokedAt: new Date('2026-03-30T10:00:00Z'),
  reason: 'keyCompromise' as const,
};
const ceased = {
  serialNumber: '1002',
  revokedAt: new Date('2026-03-31T11:00:00Z'),
  reason: 'cessationOfOperation' as const,
};
const entries = [keyCompromised, ceased];

describe('parseCrl', () => {
  it('lists revoked entries with serial, time and reason, from DER or PEM', async () => {
    const der = await pki.issueCrl(entries, { crlNumber: 42 });
    for (const input of [der, toPem(der, 'X509 CRL')]) {
      const parsed = parseCrl(input);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(parsed.crl.issuer).toBe(ISSUER);
      expect(parsed.crl.crlNumber).toBe(42n);
      expect(parsed.crl.entries).toEqual([
        {
          issuer: ISSUER,
          serialNumber: '1001',
          revokedAt: keyCompromised.revokedAt,
          reason: 'keyCompromise',
        },
        {
          issuer: ISSUER,
          serialNumber: '1002',
          revokedAt: ceased.revokedAt,
          reason: 'cessationOfOperation',
        },
      ]);
    }
  });

  it('refuses garbage as MALFORMED', () => {
    expect(parseCrl(new Uint8Array([1, 2, 3]))).toMatchObject({ ok: false, reason: 'MALFORMED' });
    expect(parseCrl('not a pem')).toMatchObject({ ok: false, reason: 'MALFORMED' });
  });
});

describe('validateCrl', () => {
  const issuerCertificate = () => pki.intermediate.der;

  it('accepts a fresh CRL signed by its issuer', async () => {
    const result = await validateCrl(await pki.issueCrl(entries), {
      issuerCertificate: issuerCertificate(),
      at: pki.now,
    });
    expect(result.ok).toBe(true);
  });

  it('rejects a CRL whose signature does not verify', async () => {
    const forged = await pki.issueCrl(entries, { badSignature: true });
    expect(await validateCrl(forged, { issuerCertificate: issuerCertificate(), at: pki.now })).toMatchObject({
      ok: false,
      reason: 'SIGNATURE_INVALID',
    });
  });

  it('rejects a stale CRL (past its nextUpdate) and one not yet in force', async () => {
    const crl = await pki.issueCrl(entries, {
      thisUpdate: new Date(pki.now.getTime() - 48 * HOUR),
      nextUpdate: new Date(pki.now.getTime() - HOUR),
    });
    expect(await validateCrl(crl, { issuerCertificate: issuerCertificate(), at: pki.now })).toMatchObject({
      ok: false,
      reason: 'STALE',
    });
    const early = new Date(pki.now.getTime() - 49 * HOUR);
    expect(await validateCrl(crl, { issuerCertificate: issuerCertificate(), at: early })).toMatchObject({
      ok: false,
      reason: 'NOT_YET_VALID',
    });
  });

  it('rejects a CRL checked against a CA that did not issue it', async () => {
    const crl = await pki.issueCrl(entries);
    expect(await validateCrl(crl, { issuerCertificate: pki.root.der, at: pki.now })).toMatchObject({
      ok: false,
      reason: 'ISSUER_MISMATCH',
    });
  });
});

describe('diffRevocations', () => {
  it('returns only the revocations the view does not know, as CertificateRevoked events', async () => {
    const parsed = parseCrl(await pki.issueCrl(entries));
    if (!parsed.ok) throw new Error('setup');
    const first = [revokedStatus({ issuer: ISSUER, ...keyCompromised }, 'CRL')];
    const known = revocationRows(first);
    expect(diffRevocations(known, parsed.crl)).toEqual([revokedStatus({ issuer: ISSUER, ...ceased }, 'CRL')]);
    const all = revocationRows([...first, ...diffRevocations(known, parsed.crl)]);
    expect(diffRevocations(all, parsed.crl)).toEqual([]);
  });
});

describe('a certificate on the CRL', () => {
  it('is refused as REVOKED when OCSP is not configured', async () => {
    const card = await pki.issueUserIdentification({ serialNumber: '1002' });
    const parsed = parseCrl(await pki.issueCrl(entries));
    if (!parsed.ok) throw new Error('setup');
    const view = revocationRows(diffRevocations(revocationRows(), parsed.crl));
    const revocation = createRevocationChecker({
      clock: { now: () => pki.now },
      logger: silentLogger(),
      revocations: view,
    });
    const result = await validateCertificate(card.der, {
      trustAnchors: pki.trustAnchors,
      intermediates: pki.intermediates,
      at: pki.now,
      purpose: 'user-identification',
      revocation,
    });
    expect(result).toMatchObject({ ok: false, reason: 'REVOKED', revocationReason: 'cessationOfOperation' });
  });
});
