import type * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import type { OcspClient, OcspOutcome } from './ocsp-client.js';
import type { CertificateStatusEvent, RevocationQuery } from './revocation.js';
import { createRevocationChecker } from './revocation-checker.js';
import { emptyRevocationView, evolveAll, type RevocationView } from './revocation-view.js';
import { manualClock, silentLogger } from './testing/pki/support.js';

const ISSUER = 'C=JP,O=Tsunagi Test JPKI,CN=Test Issuing CA';
const NOW = new Date('2026-04-01T00:00:00Z');
const query: RevocationQuery = {
  certificate: {} as pkijs.Certificate,
  issuerCertificate: {} as pkijs.Certificate,
  issuer: ISSUER,
  serialNumber: 'c0ffee',
};
const ocspSays = (outcome: OcspOutcome): OcspClient => ({ check: async () => outcome });
const covered = evolveAll(emptyRevocationView, [
  {
    type: 'RevocationListIngested',
    issuer: ISSUER,
    thisUpdate: new Date('2026-03-31T12:00:00Z'),
    nextUpdate: new Date('2026-04-01T12:00:00Z'),
  },
]);
const revokedView = evolveAll(covered, [
  {
    type: 'CertificateRevoked',
    source: 'CRL',
    issuer: ISSUER,
    serialNumber: 'c0ffee',
    revokedAt: new Date('2026-03-30T00:00:00Z'),
    reason: 'superseded',
  },
]);

function checker(
  ocsp: OcspClient | undefined,
  view: RevocationView,
  published: CertificateStatusEvent[] = [],
) {
  return createRevocationChecker({
    clock: manualClock(NOW),
    logger: silentLogger(),
    crlView: () => view,
    ...(ocsp ? { ocsp } : {}),
    publisher: { publish: async (events) => void published.push(...events) },
  });
}

describe('revocation checker', () => {
  it('answers from OCSP when the responder gives a verified answer', async () => {
    const good = ocspSays({ ok: true, cached: false, answer: { status: 'good', thisUpdate: NOW } });
    expect(await checker(good, emptyRevocationView).check(query)).toEqual({ status: 'good', source: 'OCSP' });
  });

  it('honours an OCSP revocation and publishes it for the view', async () => {
    const revokedAt = new Date('2026-03-31T08:00:00Z');
    const published: CertificateStatusEvent[] = [];
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
    expect(published).toEqual([
      {
        type: 'CertificateRevoked',
        source: 'OCSP',
        issuer: ISSUER,
        serialNumber: 'c0ffee',
        revokedAt,
        reason: 'keyCompromise',
      },
    ]);
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
    expect(await checker(down, emptyRevocationView).check(query)).toEqual({
      status: 'unknown',
      source: 'CRL',
      fallbackReason: 'OCSP_UNREACHABLE; no current CRL for the issuer',
    });
  });

  it('uses the CRL view alone when no responder is configured', async () => {
    expect(await checker(undefined, covered).check(query)).toEqual({ status: 'good', source: 'CRL' });
  });
});
