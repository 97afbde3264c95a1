import { beforeAll, describe, expect, it } from 'vitest';
import { challengeMessage, issueChallenge, verifyChallengeSignature } from './challenge.js';
import { createTestPki, type TestPki } from './testing/pki/index.js';
import { generateRsaKeys } from './testing/pki/keys.js';
import { manualClock } from './testing/pki/support.js';

let pki: TestPki;
let stranger: CryptoKeyPair;

beforeAll(async () => {
  [pki, stranger] = await Promise.all([
    createTestPki({ now: new Date('2026-04-01T00:00:00Z') }),
    generateRsaKeys(),
  ]);
});

/** What the card does: RSASSA-PKCS1-v1_5 with SHA-256 over the challenge message. */
const cardSigns = async (key: CryptoKey, message: Uint8Array) =>
  new Uint8Array(
    await globalThis.crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, message as Uint8Array<ArrayBuffer>),
  );

describe('sign-in challenge', () => {
  it('issues 32 random bytes with an id and an expiry from the injected clock', () => {
    const clock = manualClock(new Date('2026-04-01T00:00:00Z'));
    const challenge = issueChallenge({
      clock,
      ttlMs: 60_000,
      newId: () => 'c-1',
      random: (n) => new Uint8Array(n).fill(1),
    });
    expect(challenge).toEqual({
      id: 'c-1',
      nonce: Buffer.alloc(32, 1).toString('base64url'),
      issuedAt: new Date('2026-04-01T00:00:00Z'),
      expiresAt: new Date('2026-04-01T00:01:00Z'),
    });
    expect(new TextDecoder().decode(challengeMessage(challenge))).toBe(
      `tsunagi-jpki-sign-in:v1:c-1:${challenge.nonce}`,
    );
    expect(issueChallenge({ clock }).nonce).not.toBe(issueChallenge({ clock }).nonce);
  });

  it('verifies a signature made with the certificate key', async () => {
    const clock = manualClock(pki.now);
    const card = await pki.issueUserIdentification();
    const challenge = issueChallenge({ clock });
    const signature = await cardSigns(card.keys.privateKey, challengeMessage(challenge));
    expect(await verifyChallengeSignature(challenge, signature, card.der, { clock })).toEqual({ ok: true });
  });

  it('refuses a signature by another key, or over another challenge', async () => {
    const clock = manualClock(pki.now);
    const card = await pki.issueUserIdentification();
    const challenge = issueChallenge({ clock });
    const byStranger = await cardSigns(stranger.privateKey, challengeMessage(challenge));
    expect(await verifyChallengeSignature(challenge, byStranger, card.der, { clock })).toEqual({
      ok: false,
      reason: 'SIGNATURE_INVALID',
    });
    const otherChallenge = issueChallenge({ clock });
    const overOther = await cardSigns(card.keys.privateKey, challengeMessage(otherChallenge));
    expect(await verifyChallengeSignature(challenge, overOther, card.der, { clock })).toMatchObject({
      reason: 'SIGNATURE_INVALID',
    });
    expect(await verifyChallengeSignature(challenge, new Uint8Array(3), card.der, { clock })).toMatchObject({
      reason: 'SIGNATURE_INVALID',
    });
  });

  it('refuses an expired challenge even with a good signature', async () => {
    const clock = manualClock(pki.now);
    const card = await pki.issueUserIdentification();
    const challenge = issueChallenge({ clock, ttlMs: 120_000 });
    const signature = await cardSigns(card.keys.privateKey, challengeMessage(challenge));
    clock.advance(120_001);
    expect(await verifyChallengeSignature(challenge, signature, card.der, { clock })).toEqual({
      ok: false,
      reason: 'CHALLENGE_EXPIRED',
    });
  });

  it('refuses a certificate that does not parse', async () => {
    const clock = manualClock(pki.now);
    const challenge = issueChallenge({ clock });
    expect(
      await verifyChallengeSignature(challenge, new Uint8Array(256), new Uint8Array([1]), { clock }),
    ).toMatchObject({
      ok: false,
      reason: 'MALFORMED',
    });
  });
});
