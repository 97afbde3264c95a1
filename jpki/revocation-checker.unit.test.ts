import type * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import type { OcspClient, OcspOutcome } from './ocsp-client.js';
import type { CertificateStatusDraft, RevocationQuery } from './revocation.js';
import { createRevocationChecker } from './revocation-checker.js';
import type { RevocationRows } from './revocation-view.js';
import { manualClock, silentLogger } from './testing/pki/support.js';
import { ingestedDraft, revocationRows, revokedDraft } from './testing/revocations.js';

const ISSUER = 'C=JP,O=Tsunagi Test JPKI,CN=Test Issuing CA';
const NOW = new Date('2026-04-01T00:00:00Z');
const query: RevocationQuery = {
  certificate: {} as pkijs.Certificate,
  issuerCertificate: {} as pkijs.Certificate,
  issuer: ISSUER,
  serialNumber: 'c0ffee',
};
const ocspSays = (outcome: OcspOutcome): OcspClient => ({ check: async () => outcome });
const coverage = ingestedDraft(ISSUER, '2026-03-31T12:00:00Z', '2026-04-01T12:00:00Z');
const covered = revocationRows([coverage]);
const revokedView = revocationRows([
  coverage,
  revokedDraft(ISSUER, 'c0ffee', '2026-03-30T00:00:00Z', 'superseded'),
]);

function checker(
  ocsp: OcspClient | undefined,
  view: RevocationRows,
  published: CertificateStatusDraft[] = [],
) {
  return createRevocationChecker({
    clock: manualClock(NOW),
    logger: silentLogger(),
    revocations: view,
    ...(ocsp ? { ocsp } : {}),
    publisher: { publish: async (events) => void published.push(...events) },
  });
}

describe('revocation checker', () => {
  it('answers from OCSP when the responder gives a verified answer', async () => {
    const good = ocspSays({ ok: true, cached: false, answer: { status: 'good', thisUpdate: NOW } });
    expect(await checker(good, revocationRows()).check(query)).toEqual({ status: 'good', source: 'OCSP' });
  });

  it('honours an OCSP revocation and publishes it for the view', async () => {
    const revokedAt = new Date('2026-03-31T08:00:00Z');
    const published: CertificateStatusDraft[] = [];
    const revoked = ocspSays({
      ok: true,
      cached: false,
      answer: { status: 'revoked', revokedAt, reason: 'keyCompromise', thisUpdate: NOW },
    });
    expect(await checker(revoked, covered, published).check(query)).toEqual({
      status: 'revoked',
      source: 'OCSP',
      revokedAt,
      reason: 'keyCompromise',
    });
    expect(published).toEqual([revokedDraft(ISSUER, 'c0ffee', revokedAt, 'keyCompromise', 'OCSP')]);
  });

  it('treats a verified OCSP "unknown" as final', async () => {
    const unknown = ocspSays({ ok: true, cached: false, answer: { status: 'unknown', thisUpdate: NOW } });
    expect(await checker(unknown, covered).check(query)).toEqual({ status: 'unknown', source: 'OCSP' });
  });

  it.each(['UNREACHABLE', 'MALFORMED', 'NONCE_MISMATCH', 'SIGNATURE_INVALID'] as const)(
    'falls back to the CRL view when OCSP fails with %s, and says so',
    async (reason) => {
      const down = ocspSays({ ok: false, reason });
      expect(await checker(down, covered).check(query)).toEqual({
        status: 'good',
        source: 'CRL',
        fallbackReason: `OCSP_${reason}`,
      });
      expect(await checker(down, revokedView).check(query)).toMatchObject({
        status: 'revoked',
        source: 'CRL',
        reason: 'superseded',
        fallbackReason: `OCSP_${reason}`,
      });
    },
  );

  it('answers unknown after a fallback when the view holds no current CRL for the issuer', async () => {
    const down = ocspSays({ ok: false, reason: 'UNREACHABLE' });
    expect(await checker(down, revocationRows()).check(query)).toEqual({
      status: 'unknown',
      source: 'CRL',
      fallbackReason: 'OCSP_UNREACHABLE; no current CRL for the issuer',
    });
  });

  it('uses the CRL view alone when no responder is configured', async () => {
    expect(await checker(undefined, covered).check(query)).toEqual({ status: 'good', source: 'CRL' });
  });
});
