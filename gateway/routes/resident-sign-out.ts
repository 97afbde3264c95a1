import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../errors.js';
import { requireResidentSession, residentSessionOf } from '../resident/resident-session.js';
import type { SessionRevocations } from '../resident/session-revocations.js';
import type { SessionTokens } from '../resident/session-token.js';

export interface ResidentSignOutOptions {
  /** The tokens the resident routes accept (already refusing revoked ones: `revocableSessions`). */
  sessions: SessionTokens;
  revocations: SessionRevocations;
}

/**
 * `POST /v1/resident/sign-out`: ends the session of the bearer token. The token's id is revoked
 * until the token would have expired, durably (session-revocations.ts), so a copy of the token
 * replayed afterwards, also after a gateway restart, is refused with 401 TOKEN_REVOKED.
 */
export const residentSignOutRoutes: FastifyPluginAsyncZod<ResidentSignOutOptions> = async (app, options) => {
  app.addHook('onRequest', requireResidentSession(options.sessions));
  app.post(
    '/v1/resident/sign-out',
    {
      schema: {
        summary: 'Sign out: the session token is refused from now on',
        tags: ['resident'],
        security: [{ residentSession: [] }],
        response: {
          200: z.object({ signedOut: z.literal(true) }),
          401: ErrorBody,
          429: ErrorBody,
          503: ErrorBody,
        },
      },
    },
    async (request) => {
      const session = residentSessionOf(request);
      await options.revocations.revoke(session.sessionId, session.expiresAt);
      request.log.info({ component: 'resident-session', outcome: 'signed-out' }, 'resident sign-out');
      return { signedOut: true as const };
    },
  );
};
