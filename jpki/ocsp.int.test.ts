import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOcspClient } from './ocsp-client.js';
import type { RevocationReason } from './revocation.js';
import { createRevocationChecker } from './revocation-checker.js';
import type { RevocationRows } from './revocation-view.js';
import { type RunningResponder, startOcspResponder } from './testing/ocsp-responder.js';
import { createTestPki, type TestPki } from './testing/pki/index.js';
import { type ManualClock, manualClock, silentLogger } from './testing/pki/support.js';
import { ingestedDraft, revocationRows, revokedDraft } from './testing/revocations.js';
import { validateCertificate } from './validate.js';

/** OCSP over a real local HTTP responder (node:http on 127.0.0.1). Needs no Kafka. */
const HOUR = 3_600_000;
const ISSUER = 'C=JP,O=Tsunagi Test JPKI,CN=Test Issuing CA';
let pki: TestPki;
let clock: ManualClock;
let responder: RunningResponder;
const revoked = new Map<string, { revokedAt: Date; reason: RevocationReason }>();

beforeAll(async () => {
  pki = await createTestPki({ now: new Date('2026-04-01T00:00:00Z') });
  clock = manualClock(pki.now);
  responder = await startOcspResponder({
    signer: { certificate: pki.ocspResponder.certificate, privateKey: pki.ocspResponder.keys.privateKey },
    issuerCertificate: pki.intermediate.certificate,
    revoked: () => revoked,
    clock,
    validityMs: HOUR,
  });
});
afterAll(async () => {
  await responder?.stop();
});

function setup(view: RevocationRows = revocationRows(), url = responder.url) {
  const ocsp = createOcspClient({ url, clock, logger: silentLogger(), timeoutMs: 10_000 });
  const revocation = createRevocationChecker({ clock, logger: silentLogger(), ocsp, revocations: view });
  const validate = (der: Uint8Array) =>
    validateCertificate(der, {
      trustAnchors: pki.trustAnchors,
      intermediates: pki.intermediates,
      at: clock.now(),
      purpose: 'user-identification',
      revocation,
    });
  return { ocsp, validate };
}

describe('OCSP against a local responder', () => {
  it('accepts a good certificate with OCSP as the source', async () => {
    const card = await pki.issueUserIdentification();
    expect(await setup().validate(card.der)).toMatchObject({ ok: true, revocationSource: 'OCSP' });
  });

  it('honours an OCSP revocation', async () => {
    const card = await pki.issueUserIdentification({ serialNumber: '7e57' });
    const revokedAt = new Date('2026-03-31T09:30:00Z');
    revoked.set('7e57', { revokedAt, reason: 'keyCompromise' });
    expect(await setup().validate(card.der)).toEqual({
      ok: false,
      reason: 'REVOKED',
      revokedAt,
      revocationReason: 'keyCompromise',
      detail: 'revoked per OCSP',
    });
  });

  it('caches an answer until its nextUpdate, then asks again', async () => {
    const card = await pki.issueUserIdentification();
    const { validate } = setup();
    const before = responder.requestsServed();
    await validate(card.der);
    await validate(card.der);
    expect(responder.requestsServed()).toBe(before + 1);
    clock.advance(HOUR + 1);
    await validate(card.der);
    expect(responder.requestsServed()).toBe(before + 2);
    clock.set(pki.now);
  });

  it('rejects a response whose nonce is not the one sent', async () => {
    const card = await pki.issueUserIdentification();
    responder.behaviour.nonce = 'wrong';
    try {
      const { ocsp } = setup();
      const outcome = await ocsp.check({
        certificate: card.certificate,
        issuerCertificate: pki.intermediate.certificate,
        issuer: ISSUER,
        serialNumber: 'ignored-for-the-request',
      });
      expect(outcome).toEqual({ ok: false, reason: 'NONCE_MISMATCH' });
    } finally {
      responder.behaviour.nonce = 'echo';
    }
  });

  it('falls back to the CRL view when the responder answers garbage, and reports it', async () => {
    const card = await pki.issueUserIdentification();
    const view = revocationRows([ingestedDraft(ISSUER, pki.now, new Date(pki.now.getTime() + 24 * HOUR))]);
    responder.behaviour.garbage = true;
    try {
      expect(await setup(view).validate(card.der)).toMatchObject({
        ok: true,
        revocationSource: 'CRL',
        fallbackReason: 'OCSP_MALFORMED',
      });
    } finally {
      responder.behaviour.garbage = false;
    }
  });

  it('falls back to the CRL view when the responder is down: revoked there is refused', async () => {
    const card = await pki.issueUserIdentification({ serialNumber: 'dead01' });
    const down = await startOcspResponder({
      signer: { certificate: pki.intermediate.certificate, privateKey: pki.intermediate.keys.privateKey },
      issuerCertificate: pki.intermediate.certificate,
      revoked: () => new Map(),
      clock,
    });
    await down.stop();
    const view = revocationRows([revokedDraft(ISSUER, 'dead01', pki.now, 'superseded', 'CRL')]);
    const result = await setup(view, down.url).validate(card.der);
    expect(result).toMatchObject({
      ok: false,
      reason: 'REVOKED',
      revocationReason: 'superseded',
      detail: 'revoked per CRL',
    });
    const unknown = await setup(revocationRows(), down.url).validate(
      (await pki.issueUserIdentification()).der,
    );
    expect(unknown).toMatchObject({ ok: false, reason: 'REVOCATION_UNKNOWN' });
    expect(!unknown.ok && unknown.detail).toMatch(/^OCSP_UNREACHABLE; no current CRL/);
  });

  it('accepts only POST', async () => {
    const response = await fetch(responder.url);
    expect(response.status).toBe(405);
  });
});
