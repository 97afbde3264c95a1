import type { FastifyRequest } from 'fastify';
import { TsunagiError } from '../../core/errors.js';
import type { ResidentResolver } from '../ports.js';
import { residentSessionOf } from '../resident/resident-session.js';
import { SESSION_SERVICE_ID } from '../resident/session-token.js';

/** The signed-in resident's linkage id, from the session's portal PPID; it never leaves the gateway. */
export async function signedInResident(
  residents: ResidentResolver,
  request: FastifyRequest,
): Promise<string> {
  const resolved = await residents.resolvePpid(SESSION_SERVICE_ID, residentSessionOf(request).ppid);
  if (!resolved.ok)
    throw new TsunagiError('IDENTITY_UNKNOWN', 'the signed-in resident is not known', {
      path: 'headers.authorization',
    });
  return resolved.linkageId;
}
