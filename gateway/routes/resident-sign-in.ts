import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Clock } from '../../core/clock.js';
import { TsunagiError } from '../../core/errors.js';
import { DEFAULT_CHALLENGE_TTL_MS } from '../../jpki/challenge.js';
import { ErrorBody, refusal } from '../errors.js';
import { ChallengeAnswer, SignInAnswer, SignInBody } from '../resident/api-schemas.js';
import {
  type ChallengeStore,
  createChallengeStore,
  memorySessionLedgerLog,
} from '../resident/challenge-store.js';
import { sessionLedgerState } from '../resident/session-ledger.js';
import { createSignIn, type SignInDeps, type SignInRefusal } from '../resident/sign-in-service.js';

export interface ResidentSignInOptions extends Omit<SignInDeps, 'challenges' | 'logger'> {
  clock: Clock;
  /** Default: the fastify instance's logger. */
  logger?: SignInDeps['logger'];
  /** Default 2 minutes (JPKI_CHALLENGE_TTL_MS). */
  challengeTtlMs?: number;
  /** Default: a ledger in this process's memory (one instance only; main.ts shares it on Kafka). */
  challenges?: ChallengeStore;
}

/** Where each refusal points and which status it gets: 401 for the proof of possession, 403 for the certificate. */
const REFUSAL: Record<SignInRefusal, { status: 400 | 401 | 403; path: string; message: string }> = {
  CHALLENGE_UNKNOWN: { status: 401, path: 'body.challengeId', message: 'unknown or already used challenge' },
  CHALLENGE_EXPIRED: { status: 401, path: 'body.challengeId', message: 'the challenge has expired' },
  CHALLENGE_SIGNATURE_INVALID: {
    status: 401,
    path: 'body.signature',
    message: 'the signature does not verify',
  },
  MALFORMED: { status: 400, path: 'body.certificate', message: 'not a usable X.509 certificate' },
  CHAIN_UNTRUSTED: { status: 403, path: 'body.certificate', message: 'not issued by a trusted JPKI CA' },
  SIGNATURE_INVALID: { status: 403, path: 'body.certificate', message: "the CA's signature does not verify" },
  SIGNATURE_ALGORITHM_NOT_ALLOWED: {
    status: 403,
    path: 'body.certificate',
    message: 'signature algorithm not allowed',
  },
  CRITICAL_EXTENSION_UNKNOWN: {
    status: 403,
    path: 'body.certificate',
    message: 'a certificate in the path has a critical extension we do not process',
  },
  PATH_LENGTH_EXCEEDED: {
    status: 403,
    path: 'body.certificate',
    message: "the path breaks an issuing CA's pathLenConstraint",
  },
  EXPIRED: { status: 403, path: 'body.certificate', message: 'the certificate has expired' },
  NOT_YET_VALID: { status: 403, path: 'body.certificate', message: 'the certificate is not yet valid' },
  KEY_USAGE_INVALID: { status: 403, path: 'body.certificate', message: 'key usage does not allow sign-in' },
  EXTENDED_KEY_USAGE_INVALID: {
    status: 403,
    path: 'body.certificate',
    message: 'not a user-identification certificate',
  },
  REVOKED: { status: 403, path: 'body.certificate', message: 'the certificate is revoked' },
  REVOCATION_UNKNOWN: {
    status: 403,
    path: 'body.certificate',
    message: 'revocation status cannot be determined',
  },
  CERTIFICATE_NOT_ENROLLED: {
    status: 403,
    path: 'body.certificate',
    message: 'the certificate is not enrolled for any resident',
  },
};
const CODE = { 400: 'INPUT_INVALID', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN' } as const;
const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  429: ErrorBody,
  500: ErrorBody,
  503: ErrorBody,
};
/** Open routes: the resident proves who they are with the card, not with a token or certificate. */
const open = { security: [] };

/**
 * /v1/resident/challenge and /v1/resident/sign-in: resident sign-in with the My Number Card's
 * user-identification certificate:
 * `POST /v1/resident/challenge`, then `POST /v1/resident/sign-in` with the card's signature over it.
 * Answers a short-lived session token for the resident routes (`requireResidentSession`). Refusals
 * are `{ code, reason, message, path }`: `reason` is the sign-in refusal or the certificate
 * validation reason (e.g. REVOKED, EXPIRED). Residents' traffic must arrive over TLS: the gateway
 * terminates it (server certificate only; residents have no client certificate).
 */
export const residentSignIn: FastifyPluginAsyncZod<ResidentSignInOptions> = async (app, options) => {
  const flow = createSignIn({
    ...options,
    logger: options.logger ?? app.log,
    challenges:
      options.challenges ??
      memoryChallengeStore(options.clock, options.challengeTtlMs ?? DEFAULT_CHALLENGE_TTL_MS),
  });

  app.post(
    '/v1/resident/challenge',
    {
      schema: {
        summary: 'Issue a single-use sign-in challenge for the My Number Card to sign',
        tags: ['resident'],
        ...open,
        response: { 200: ChallengeAnswer, ...errors },
      },
    },
    async () => {
      const issued = await flow.challenge();
      return {
        ...issued,
        algorithm: 'RSASSA-PKCS1-v1_5-SHA256' as const,
        expiresAt: issued.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/v1/resident/sign-in',
    {
      schema: {
        summary: 'Sign in with the user-identification certificate and a signed challenge',
        tags: ['resident'],
        ...open,
        body: SignInBody,
        response: { 200: SignInAnswer, ...errors },
      },
    },
    async (request) => {
      const { body } = request;
      const result = await flow.signIn({
        challengeId: body.challengeId,
        certificate: new Uint8Array(Buffer.from(body.certificate, 'base64')),
        signature: new Uint8Array(Buffer.from(body.signature, 'base64')),
      });
      if (result.ok) {
        return {
          token: result.token,
          tokenType: 'Bearer' as const,
          expiresAt: result.expiresAt.toISOString(),
          ppid: result.ppid,
        };
      }
      const refused = REFUSAL[result.reason];
      const message = result.detail ? `${refused.message} (${result.detail})` : refused.message;
      throw refusal(new TsunagiError(CODE[refused.status], message, { path: refused.path }), {
        reason: result.reason,
      });
    },
  );
};

function memoryChallengeStore(clock: Clock, ttlMs: number): ChallengeStore {
  const state = sessionLedgerState();
  return createChallengeStore({
    clock,
    ttlMs,
    state,
    log: memorySessionLedgerLog(state),
    instance: 'memory',
  });
}
