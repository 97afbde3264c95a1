import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Result } from '../core/result.js';
import { refuse } from '../core/result.js';
import { parseCertificate, toDer } from './pki.js';

/**
 * Sign-in primitives: the server issues a random challenge, the resident's card signs it with
 * the user-identification key (RSASSA-PKCS1-v1_5 with SHA-256, as JPKI cards sign), and the
 * server checks the signature against the certificate it then validates (validate.ts).
 * Single use is the caller's duty: keep issued ids and delete one when it is verified.
 */
export interface Challenge {
  id: string;
  /** 32 random bytes, base64url. */
  nonce: string;
  issuedAt: Date;
  expiresAt: Date;
}

export const DEFAULT_CHALLENGE_TTL_MS = 2 * 60_000;
const DOMAIN = 'tsunagi-jpki-sign-in:v1:';

export function issueChallenge(deps: {
  clock: Clock;
  ttlMs?: number;
  random?: (size: number) => Uint8Array;
  newId?: () => string;
}): Challenge {
  const issuedAt = deps.clock.now();
  const bytes = (deps.random ?? randomBytes)(32);
  return {
    id: (deps.newId ?? randomUUID)(),
    nonce: Buffer.from(bytes).toString('base64url'),
    issuedAt,
    expiresAt: new Date(issuedAt.getTime() + (deps.ttlMs ?? DEFAULT_CHALLENGE_TTL_MS)),
  };
}

/**
 * The exact bytes the card signs: UTF-8 of `tsunagi-jpki-sign-in:v1:<id>:<nonce>`. The prefix
 * keeps a sign-in signature from being reusable as a signature over anything else.
 */
export const challengeMessage = (challenge: Pick<Challenge, 'id' | 'nonce'>): Uint8Array =>
  new TextEncoder().encode(`${DOMAIN}${challenge.id}:${challenge.nonce}`);

export type ChallengeRefusal = 'CHALLENGE_EXPIRED' | 'SIGNATURE_INVALID' | 'MALFORMED';

export async function verifyChallengeSignature(
  challenge: Challenge,
  signature: Uint8Array,
  certDer: Uint8Array | string,
  options: { clock: Clock },
): Promise<Result<Record<never, never>, ChallengeRefusal>> {
  if (options.clock.now().getTime() > challenge.expiresAt.getTime()) return refuse('CHALLENGE_EXPIRED');
  const der = toDer(certDer);
  const certificate = der ? parseCertificate(der) : undefined;
  if (!certificate) return refuse('MALFORMED', 'not a certificate');
  let key: CryptoKey;
  try {
    key = await globalThis.crypto.subtle.importKey(
      'spki',
      certificate.subjectPublicKeyInfo.toSchema().toBER(false),
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['verify'],
    );
  } catch {
    return refuse('MALFORMED', 'certificate key is not RSA');
  }
  const valid = await globalThis.crypto.subtle
    .verify(
      'RSASSA-PKCS1-v1_5',
      key,
      signature as Uint8Array<ArrayBuffer>,
      challengeMessage(challenge) as Uint8Array<ArrayBuffer>,
    )
    .catch(() => false);
  return valid ? { ok: true } : refuse('SIGNATURE_INVALID');
}
