import type { FastifyReply, FastifyRequest } from 'fastify';
import { TsunagiError } from '../../core/errors.js';
import { refusal } from '../errors.js';
import type { ResidentResolver } from '../ports.js';
import { type ResidentSession, SESSION_SERVICE_ID, type SessionTokens } from './session-token.js';

const sessions = new WeakMap<FastifyRequest, ResidentSession>();
const BEARER = /^Bearer ([A-Za-z0-9._-]+)$/;

/**
 * onRequest hook of the resident routes: requires `Authorization: Bearer <session token>` and makes
 * the session available to the handler through `residentSessionOf(request)`. Refuses with 401
 * UNAUTHENTICATED and a `reason` (TOKEN_MISSING, TOKEN_MALFORMED, TOKEN_SIGNATURE_INVALID,
 * TOKEN_EXPIRED, TOKEN_REVOKED); the token itself is never logged.
 */
export function requireResidentSession(tokens: SessionTokens) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
    const verified = token === undefined ? undefined : tokens.verify(token);
    if (verified?.ok) {
      sessions.set(request, verified.session);
      return;
    }
    const reason = header === undefined ? 'TOKEN_MISSING' : (verified?.reason ?? 'TOKEN_MALFORMED');
    void reply.header('www-authenticate', 'Bearer realm="tsunagi-resident", error="invalid_token"');
    throw refusal(
      new TsunagiError('UNAUTHENTICATED', `resident session refused: ${reason}`, {
        path: 'headers.authorization',
      }),
      { reason },
    );
  };
}

/** The session `requireResidentSession` verified; throws if the route forgot the preHandler. */
export function residentSessionOf(request: FastifyRequest): ResidentSession {
  const session = sessions.get(request);
  if (!session)
    throw new TsunagiError('UNAUTHENTICATED', 'no resident session', { path: 'headers.authorization' });
  return session;
}

/**
 * The signed-in resident's linkage id, from the session's portal PPID (resolved in the hub; it never
 * leaves it). IDENTITY_UNKNOWN when the PPID resolves to nobody (a store rebuilt without it).
 */
export async function signedInResident(
  residents: Pick<ResidentResolver, 'resolvePpid'>,
  request: FastifyRequest,
): Promise<string> {
  const resolved = await residents.resolvePpid(SESSION_SERVICE_ID, residentSessionOf(request).ppid);
  if (!resolved.ok)
    throw new TsunagiError('IDENTITY_UNKNOWN', 'the signed-in resident is not known', {
      path: 'headers.authorization',
    });
  return resolved.linkageId;
}
