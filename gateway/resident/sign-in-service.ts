import type { Clock } from '../../core/clock.js';
import { type Result, refuse } from '../../core/result.js';
import type { CertificateBindings } from '../../identity/certificate-binding.js';
import type { CodeRegistry } from '../../identity/code-registry.js';
import { challengeMessage, verifyChallengeSignature } from '../../jpki/challenge.js';
import type { RevocationChecker } from '../../jpki/revocation.js';
import { type ValidationReason, validateCertificate } from '../../jpki/validate.js';
import type { ChallengeStore } from './challenge-store.js';
import { SESSION_SERVICE_ID, type SessionTokens } from './session-token.js';

export type SignInRefusal =
  | 'CHALLENGE_UNKNOWN'
  | 'CHALLENGE_EXPIRED'
  | 'CHALLENGE_SIGNATURE_INVALID'
  | ValidationReason
  | 'CERTIFICATE_NOT_ENROLLED';

export interface SignInDeps {
  clock: Clock;
  /** pino or fastify's request logger; gets outcomes and reasons only. */
  logger: { info(fields: Record<string, unknown>, message: string): void };
  challenges: ChallengeStore;
  /** DER or PEM of the JPKI roots and issuing CAs. */
  trustAnchors: readonly (Uint8Array | string)[];
  intermediates?: readonly (Uint8Array | string)[];
  /** OCSP first, then the CRL view fed from `certificate-status` (jpki/revocation-service.ts). */
  revocation: RevocationChecker;
  certificates: Pick<CertificateBindings, 'resolveCertificate'>;
  codes: Pick<CodeRegistry, 'ppidFor'>;
  sessions: SessionTokens;
}

export interface SignedIn {
  token: string;
  expiresAt: Date;
  ppid: string;
}

/**
 * The resident sign-in, without HTTP. Order: the challenge is taken (single use across every gateway
 * instance, whatever follows: challenge-store.ts)
 * → the card's signature over it → the certificate (chain, validity, key usage for
 * user-identification, revocation) → the certificate's enrolment → the portal's PPID → a session
 * token. Refusals are values; nothing here logs a serial number, a PPID or a linkage id.
 */
export function createSignIn(deps: SignInDeps) {
  const refused = (reason: SignInRefusal, detail?: string) => {
    deps.logger.info({ component: 'resident-sign-in', outcome: 'refused', reason }, 'resident sign-in');
    return refuse(reason, detail);
  };

  return {
    async challenge() {
      const challenge = await deps.challenges.issue();
      return {
        challengeId: challenge.id,
        challenge: new TextDecoder().decode(challengeMessage(challenge)),
        expiresAt: challenge.expiresAt,
      };
    },

    async signIn(input: {
      challengeId: string;
      certificate: Uint8Array;
      signature: Uint8Array;
    }): Promise<Result<SignedIn, SignInRefusal>> {
      const challenge = await deps.challenges.take(input.challengeId);
      if (!challenge) return refused('CHALLENGE_UNKNOWN');
      const signed = await verifyChallengeSignature(challenge, input.signature, input.certificate, {
        clock: deps.clock,
      });
      if (!signed.ok) {
        if (signed.reason === 'SIGNATURE_INVALID') return refused('CHALLENGE_SIGNATURE_INVALID');
        return refused(signed.reason, signed.detail);
      }
      const valid = await validateCertificate(input.certificate, {
        trustAnchors: deps.trustAnchors,
        ...(deps.intermediates ? { intermediates: deps.intermediates } : {}),
        at: deps.clock.now(),
        purpose: 'user-identification',
        revocation: deps.revocation,
      });
      if (!valid.ok) return refused(valid.reason, valid.detail);
      const linkageId = await deps.certificates.resolveCertificate({
        issuer: valid.issuer,
        serialNumber: valid.serialNumber,
      });
      if (!linkageId) return refused('CERTIFICATE_NOT_ENROLLED');
      const ppid = await deps.codes.ppidFor(SESSION_SERVICE_ID, linkageId);
      const { token, expiresAt } = deps.sessions.issue(ppid);
      deps.logger.info(
        {
          component: 'resident-sign-in',
          outcome: 'signed-in',
          revocationSource: valid.revocationSource,
          fallbackReason: valid.fallbackReason,
        },
        'resident sign-in',
      );
      return { ok: true, token, expiresAt, ppid };
    },
  };
}
