import type * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOcspRequest, verifyOcspResponse } from './ocsp.js';
import { type IssuedCertificate, issueCertificate } from './testing/pki/certificate-builder.js';
import { createTestPki, randomSerial, type TestPki } from './testing/pki/index.js';
import { buildOcspResponse, type OcspCertStatus, ocspResponseEnvelope } from './testing/pki/ocsp-builder.js';

const HOUR = 3_600_000;
let pki: TestPki;
let card: IssuedCertificate;
let certId: pkijs.CertID;
let notAuthorised: IssuedCertificate;
const nonce = new Uint8Array(32).fill(7);

beforeAll(async () => {
  pki = await createTestPki({ now: new Date('2026-04-01T00:00:00Z') });
  card = await pki.issueUserIdentification();
  certId = (await buildOcspRequest(card.certificate, pki.intermediate.certificate, nonce)).certId;
  notAuthorised = await issueCertificate({
    serialNumber: randomSerial(),
    subject: [['2.5.4.3', 'Not an OCSP responder']],
    keys: pki.ocspResponder.keys,
    issuer: { certificate: pki.intermediate.certificate, privateKey: pki.intermediate.keys.privateKey },
    keyUsage: ['digitalSignature'],
    notBefore: new Date(pki.now.getTime() - HOUR),
    notAfter: new Date(pki.now.getTime() + HOUR),
  });
});

const respond = (
  options: {
    signer?: IssuedCertificate;
    status?: OcspCertStatus;
    nonce?: Uint8Array | null;
    nextUpdate?: Date;
    id?: pkijs.CertID;
  } = {},
) => {
  const signer = options.signer ?? pki.intermediate;
  return buildOcspResponse({
    signer: { certificate: signer.certificate, privateKey: signer.keys.privateKey },
    includeSignerCertificate: signer !== pki.intermediate,
    producedAt: pki.now,
    responses: [
      {
        certId: options.id ?? certId,
        certStatus: options.status ?? { status: 'good' },
        thisUpdate: pki.now,
        nextUpdate: options.nextUpdate ?? new Date(pki.now.getTime() + HOUR),
      },
    ],
    ...(options.nonce === null ? {} : { nonce: options.nonce ?? nonce }),
  });
};

const verify = (der: Uint8Array) =>
  verifyOcspResponse(der, { certId, issuerCertificate: pki.intermediate.certificate, nonce, at: pki.now });

describe('verifyOcspResponse', () => {
  it('accepts a good answer signed by the CA itself', async () => {
    expect(await verify(await respond())).toMatchObject({ ok: true, answer: { status: 'good' } });
  });

  it('accepts an answer from a delegated responder carrying id-kp-OCSPSigning', async () => {
    expect(await verify(await respond({ signer: pki.ocspResponder }))).toMatchObject({ ok: true });
  });

  it('decodes a revocation with its time and reason', async () => {
    const revokedAt = new Date('2026-03-15T01:02:03Z');
    const result = await verify(
      await respond({ status: { status: 'revoked', revokedAt, reason: 'keyCompromise' } }),
    );
    expect(result).toMatchObject({
      ok: true,
      answer: { status: 'revoked', revokedAt, reason: 'keyCompromise' },
    });
  });

  it('refuses a signer the CA did not authorise for OCSP', async () => {
    expect(await verify(await respond({ signer: notAuthorised }))).toMatchObject({
      ok: false,
      reason: 'RESPONDER_UNAUTHORIZED',
    });
  });

  it('refuses a response whose nonce is not ours, or that has none', async () => {
    expect(await verify(await respond({ nonce: new Uint8Array(32).fill(8) }))).toMatchObject({
      ok: false,
      reason: 'NONCE_MISMATCH',
    });
    expect(await verify(await respond({ nonce: null }))).toMatchObject({
      ok: false,
      reason: 'NONCE_MISMATCH',
    });
  });

  it('refuses a response whose signature does not verify', async () => {
    const der = await respond();
    // The signature BIT STRING sits just before the end of the BasicOCSPResponse; flip a byte in it.
    der[der.length - 10] = (der[der.length - 10] ?? 0) ^ 0x01;
    expect(await verify(der)).toMatchObject({ ok: false, reason: 'SIGNATURE_INVALID' });
  });

  it('refuses a response past its nextUpdate', async () => {
    expect(await verify(await respond({ nextUpdate: new Date(pki.now.getTime() - HOUR) }))).toMatchObject({
      ok: false,
      reason: 'STALE',
    });
  });

  it('refuses a response about another certificate', async () => {
    const other = await pki.issueUserIdentification();
    const otherId = (await buildOcspRequest(other.certificate, pki.intermediate.certificate, nonce)).certId;
    expect(await verify(await respond({ id: otherId }))).toMatchObject({
      ok: false,
      reason: 'NO_MATCHING_RESPONSE',
    });
  });

  it('refuses garbage and responder errors', async () => {
    expect(await verify(new TextEncoder().encode('<html>'))).toMatchObject({
      ok: false,
      reason: 'MALFORMED',
    });
    expect(await verify(ocspResponseEnvelope(3))).toEqual({
      ok: false,
      reason: 'RESPONDER_ERROR',
      detail: 'tryLater',
    });
  });
});
