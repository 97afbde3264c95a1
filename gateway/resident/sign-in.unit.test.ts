import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateBindings } from '../../identity/certificate-binding.js';
import { type LinkageId, newLinkageId } from '../../identity/linkage-id.js';
import { createTestHub, type TestHub } from '../../identity/testing/hub.js';
import { formatName, serialHex } from '../../jpki/pki.js';
import { createRevocationChecker } from '../../jpki/revocation-checker.js';
import type { RevocationRows } from '../../jpki/revocation-view.js';
import type { IssuedCertificate } from '../../jpki/testing/pki/certificate-builder.js';
import { createTestPki, type TestPki } from '../../jpki/testing/pki/index.js';
import { type ManualClock, manualClock, silentLogger } from '../../jpki/testing/pki/support.js';
import { ingestedDraft, revocationRows, revokedDraft } from '../../jpki/testing/revocations.js';
import { residentSignIn } from '../routes/resident-sign-in.js';
import { pluginTestApp } from '../testing/test-gateway.js';
import { bindCertificateForResident } from './certificate-enrolment.js';
import { requireResidentSession, residentSessionOf } from './resident-session.js';
import { createSessionTokens, type SessionTokens } from './session-token.js';

/**
 * Resident sign-in end to end through fastify over plain HTTP (in production the gateway terminates
 * TLS in front of it), with the test PKI, a real identity hub on a temp lmdb store, and the
 * revocation checker over a CRL view.
 */
const HOUR = 3_600_000;
let pki: TestPki;
let clock: ManualClock;
let hub: TestHub;
let app: FastifyInstance;
let sessions: SessionTokens;
let view: RevocationRows;
let linkageId: LinkageId;
let enrolled: IssuedCertificate;
let revokedCard: IssuedCertificate;

beforeAll(async () => {
  pki = await createTestPki();
  clock = manualClock(pki.now);
  hub = createTestHub();
  const certificates = createCertificateBindings(hub);
  [enrolled, revokedCard] = await Promise.all([pki.issueUserIdentification(), pki.issueUserIdentification()]);
  linkageId = newLinkageId();
  for (const card of [enrolled, revokedCard])
    expect(await bindCertificateForResident(certificates, card.der, linkageId)).toEqual({
      ok: true,
      linkageId,
    });
  const issuer = formatName(pki.intermediate.certificate.subject);
  view = revocationRows([
    ingestedDraft(issuer, pki.now, new Date(pki.now.getTime() + 24 * HOUR)),
    revokedDraft(issuer, serialHex(revokedCard.certificate.serialNumber), pki.now, 'keyCompromise', 'CRL'),
  ]);
  sessions = createSessionTokens({ key: randomBytes(32), clock });
  app = pluginTestApp();
  await app.register(residentSignIn, {
    clock,
    trustAnchors: pki.trustAnchors,
    intermediates: pki.intermediates,
    revocation: createRevocationChecker({ clock, logger: silentLogger(), revocations: view }),
    certificates,
    codes: hub.codes,
    sessions,
  });
  app.get('/v1/resident/me', { preHandler: requireResidentSession(sessions) }, async (request) => ({
    ppid: residentSessionOf(request).ppid,
  }));
  await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await hub?.close();
});

const post = (url: string, payload?: Record<string, string>) =>
  payload === undefined ? app.inject({ method: 'POST', url }) : app.inject({ method: 'POST', url, payload });

async function signedChallenge(card: IssuedCertificate, tamper = false) {
  const { challengeId, challenge } = (await post('/v1/resident/challenge')).json();
  const text = tamper ? `${challenge}x` : challenge;
  const signature = await crypto.subtle.sign(
    'RSASSA-PKCS1-v1_5',
    card.keys.privateKey,
    new TextEncoder().encode(text),
  );
  return {
    challengeId: challengeId as string,
    certificate: Buffer.from(card.der).toString('base64'),
    signature: Buffer.from(signature).toString('base64'),
  };
}

describe('resident sign-in', () => {
  it('signs an enrolled resident in over HTTP, with a token bound to the portal PPID only', async () => {
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const challenge = await (await fetch(`${base}/v1/resident/challenge`, { method: 'POST' })).json();
    expect(challenge).toMatchObject({ algorithm: 'RSASSA-PKCS1-v1_5-SHA256' });
    expect(challenge.challenge).toBe(
      `tsunagi-jpki-sign-in:v1:${challenge.challengeId}:${challenge.challenge.split(':').at(-1)}`,
    );
    expect(new Date(challenge.expiresAt).getTime()).toBe(pki.now.getTime() + 2 * 60_000);

    const signature = await crypto.subtle.sign(
      'RSASSA-PKCS1-v1_5',
      enrolled.keys.privateKey,
      new TextEncoder().encode(challenge.challenge),
    );
    const response = await fetch(`${base}/v1/resident/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        challengeId: challenge.challengeId,
        certificate: Buffer.from(enrolled.der).toString('base64'),
        signature: Buffer.from(signature).toString('base64'),
      }),
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    const ppid = await hub.codes.ppidFor('resident-portal', linkageId);
    expect(body).toEqual({
      token: expect.any(String),
      tokenType: 'Bearer',
      // whole seconds, as the token states it
      expiresAt: new Date(Math.floor(pki.now.getTime() / 1000) * 1000 + 15 * 60_000).toISOString(),
      ppid,
    });
    const claims = Buffer.from(body.token.split('.')[1], 'base64url').toString('utf8');
    expect(claims).toContain(ppid);
    expect(`${claims}${JSON.stringify(body)}`).not.toContain(linkageId);

    const me = await fetch(`${base}/v1/resident/me`, { headers: { authorization: `Bearer ${body.token}` } });
    expect(await me.json()).toEqual({ ppid });
  });

  it('uses a challenge once only', async () => {
    const body = await signedChallenge(enrolled);
    expect((await post('/v1/resident/sign-in', body)).statusCode).toBe(200);
    const again = await post('/v1/resident/sign-in', body);
    expect(again.statusCode).toBe(401);
    expect(again.json()).toEqual({
      code: 'UNAUTHENTICATED',
      reason: 'CHALLENGE_UNKNOWN',
      message: 'unknown or already used challenge',
      path: 'body.challengeId',
    });
  });

  it('refuses an expired challenge and a signature over anything else', async () => {
    const late = await signedChallenge(enrolled);
    clock.advance(2 * 60_000 + 1);
    try {
      expect((await post('/v1/resident/sign-in', late)).json()).toMatchObject({
        reason: 'CHALLENGE_EXPIRED',
      });
    } finally {
      clock.set(pki.now);
    }
    const forged = await post('/v1/resident/sign-in', await signedChallenge(enrolled, true));
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'CHALLENGE_SIGNATURE_INVALID',
      path: 'body.signature',
    });
  });

  it('refuses a revoked certificate with 403 REVOKED', async () => {
    const response = await post('/v1/resident/sign-in', await signedChallenge(revokedCard));
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      code: 'FORBIDDEN',
      reason: 'REVOKED',
      message: 'the certificate is revoked (revoked per CRL)',
      path: 'body.certificate',
    });
  });

  it('refuses an expired certificate with 403 EXPIRED', async () => {
    const expired = await pki.issueUserIdentification({ defect: 'expired' });
    const response = await post('/v1/resident/sign-in', await signedChallenge(expired));
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'FORBIDDEN', reason: 'EXPIRED', path: 'body.certificate' });
  });

  it('refuses a valid certificate that no resident enrolled with 403 CERTIFICATE_NOT_ENROLLED', async () => {
    const stranger = await pki.issueUserIdentification();
    const response = await post('/v1/resident/sign-in', await signedChallenge(stranger));
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'FORBIDDEN', reason: 'CERTIFICATE_NOT_ENROLLED' });
  });

  it('refuses a body that is not base64 with 400 INPUT_INVALID naming the field', async () => {
    const body = { ...(await signedChallenge(enrolled)), certificate: 'not base64!' };
    const response = await post('/v1/resident/sign-in', body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'INPUT_INVALID', path: 'body.certificate' });
  });
});

describe('requireResidentSession', () => {
  const me = (authorization?: string) =>
    app.inject({
      method: 'GET',
      url: '/v1/resident/me',
      ...(authorization ? { headers: { authorization } } : {}),
    });

  it('refuses a missing, tampered or expired token with 401 and the reason', async () => {
    const { token } = sessions.issue('PP1-v1-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect((await me(`Bearer ${token}`)).statusCode).toBe(200);
    expect((await me()).json()).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' });
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await me(`Bearer ${tampered}`)).json()).toMatchObject({ reason: 'TOKEN_SIGNATURE_INVALID' });
    clock.advance(15 * 60_000);
    try {
      const expired = await me(`Bearer ${token}`);
      expect(expired.statusCode).toBe(401);
      expect(expired.json()).toMatchObject({ reason: 'TOKEN_EXPIRED' });
      expect(expired.headers['www-authenticate']).toContain('invalid_token');
    } finally {
      clock.set(pki.now);
    }
  });
});
