import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import { TsunagiError } from '../core/errors.js';
import { type AgencyAuthentication, authenticateRequest } from './agency-auth.js';
import { connectionIdentity } from './connection-identity.js';
import { refusal } from './errors.js';
import type { GatewayMetrics } from './metrics.js';

export interface AuthenticatedAgency {
  agencyId: string;
  /** Normalised hex serial of the client certificate. */
  serial: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    agency: AuthenticatedAgency;
  }
}

/** Probes: never authenticated, never rate limited (an orchestrator must always reach them). */
const isProbe = (path: string): boolean => path === '/healthz' || path === '/readyz';

/** Open without a client certificate, within the unauthenticated budget: metrics scrapers, API docs. */
const isOpen = (path: string): boolean =>
  path === '/metrics' ||
  path === '/docs' ||
  path.startsWith('/docs/') ||
  // Residents sign in with their My Number Card, not an agency certificate; TLS still protects them.
  path.startsWith('/v1/resident/');

const NO_HANDSHAKE: AgencyAuthentication = { ok: false, reason: 'CERTIFICATE_MISSING', fingerprint: null };

/**
 * One onRequest hook, in this order: probes pass untouched → the agency identity of the connection
 * (proved once at its TLS handshake, see connection-identity.ts; checked here for revocation and
 * expiry only) → the requester's rate-limit budget, the agency's or else the client address's →
 * 401 for a route that needs an agency. The peer certificate is never read per request.
 */
export function installRequestGate(
  app: FastifyInstance,
  deps: {
    isRevoked(serial: string): boolean;
    clock: Clock;
    metrics: GatewayMetrics;
    limit(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  },
): void {
  app.decorateRequest('agency', null as unknown as AuthenticatedAgency);
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    if (isProbe(path)) return;
    const identity = connectionIdentity(request.raw.socket);
    const result = identity ? authenticateRequest(identity, deps.clock.now(), deps.isRevoked) : NO_HANDSHAKE;
    if (result.ok) request.agency = { agencyId: result.agencyId, serial: result.serial };
    await deps.limit(request, reply);
    if (result.ok || isOpen(path)) return;
    deps.metrics.authRefusals.inc({ reason: result.reason });
    throw refusal(
      new TsunagiError('UNAUTHENTICATED', `client certificate refused: ${result.reason}`, { path }),
      { reason: result.reason },
    );
  });
}
