import { z } from 'zod';

/** Request and response bodies of the resident sign-in; no linkage id ever appears in one. */
export const ChallengeAnswer = z.object({
  challengeId: z.string(),
  /** The exact text whose UTF-8 bytes the card signs (RSASSA-PKCS1-v1_5, SHA-256). */
  challenge: z.string(),
  algorithm: z.literal('RSASSA-PKCS1-v1_5-SHA256'),
  expiresAt: z.iso.datetime(),
});

export const SignInBody = z.strictObject({
  challengeId: z.string().min(1).max(64),
  /** base64 DER of the user-identification certificate read from the card. */
  certificate: z.base64().min(1).max(16_384),
  /** base64 of the card's signature over the challenge. */
  signature: z.base64().min(1).max(2_048),
});

export const SignInAnswer = z.object({
  /** Bearer token for the resident routes; it names the resident by the portal's PPID only. */
  token: z.string(),
  tokenType: z.literal('Bearer'),
  expiresAt: z.iso.datetime(),
  ppid: z.string(),
});
