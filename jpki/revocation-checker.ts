import type { Clock } from '../core/clock.js';
import type { Logger } from '../platform/logger.js';
import type { OcspClient } from './ocsp-client.js';
import type {
  RevocationAnswer,
  RevocationChecker,
  RevocationPublisher,
  RevocationQuery,
} from './revocation.js';
import { revokedStatus } from './revocation-events.js';
import { isCovered, isRevoked, type RevocationRows } from './revocation-view.js';

export interface RevocationCheckerDeps {
  clock: Clock;
  logger: Logger;
  /** Absent: CRL view only (e.g. no responder configured). */
  ocsp?: OcspClient;
  /** The CRL-fed revocations view (platform/memory-view.ts, or the projector's). */
  revocations: RevocationRows;
  /** When given, a revocation learnt by OCSP is published too, so the view catches up before the next CRL. */
  publisher?: RevocationPublisher;
}

/**
 * OCSP first, as the MyKey platform does; the CRL view when OCSP cannot give a verified answer
 * (unreachable, HTTP error, garbage, bad signature, nonce mismatch, stale). The answer names its
 * source and, after a fallback, why. A verified OCSP "unknown" is final: the responder does not
 * know the certificate, and a CRL cannot vouch for a certificate the CA does not know either.
 * Falling back never turns "no information" into "good": the view must hold an unexpired CRL
 * for the issuer.
 */
export function createRevocationChecker(deps: RevocationCheckerDeps): RevocationChecker {
  const log = deps.logger.child({ component: 'revocation-checker' });

  async function learnt(query: RevocationQuery, answer: Extract<RevocationAnswer, { status: 'revoked' }>) {
    if (!deps.publisher || isRevoked(deps.revocations, query.issuer, query.serialNumber).revoked) return;
    try {
      const { issuer, serialNumber } = query;
      await deps.publisher.publish([
        revokedStatus({ issuer, serialNumber, revokedAt: answer.revokedAt, reason: answer.reason }, 'OCSP'),
      ]);
    } catch (error) {
      log.warn(
        { issuer: query.issuer, err: error instanceof Error ? error.message : String(error) },
        'publish failed',
      );
    }
  }

  function fromCrlView(query: RevocationQuery, fallbackReason: string | undefined): RevocationAnswer {
    const view = deps.revocations;
    const status = isRevoked(view, query.issuer, query.serialNumber);
    const why = fallbackReason === undefined ? {} : { fallbackReason };
    if (status.revoked)
      return { status: 'revoked', source: 'CRL', revokedAt: status.since, reason: status.reason, ...why };
    if (isCovered(view, query.issuer, deps.clock.now())) return { status: 'good', source: 'CRL', ...why };
    const noList = 'no current CRL for the issuer';
    return {
      status: 'unknown',
      source: 'CRL',
      fallbackReason: fallbackReason ? `${fallbackReason}; ${noList}` : noList,
    };
  }

  return {
    async check(query) {
      if (!deps.ocsp) return fromCrlView(query, undefined);
      const outcome = await deps.ocsp.check(query);
      if (!outcome.ok) {
        log.info({ issuer: query.issuer, reason: outcome.reason }, 'OCSP unavailable, using CRL view');
        return fromCrlView(query, `OCSP_${outcome.reason}`);
      }
      const { answer } = outcome;
      switch (answer.status) {
        case 'good':
          return { status: 'good', source: 'OCSP' };
        case 'unknown':
          return { status: 'unknown', source: 'OCSP' };
        case 'revoked': {
          const revoked = {
            status: 'revoked',
            source: 'OCSP',
            revokedAt: answer.revokedAt,
            reason: answer.reason,
          } as const;
          await learnt(query, revoked);
          return revoked;
        }
      }
    },
  };
}
