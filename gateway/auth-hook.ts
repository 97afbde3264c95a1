import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import { TsunagiError } from '../core/errors.js';
import { type AgencyAuthentication, authenticateRequest } from './agency-auth.js';
import { connectionIdentity } from './connection-identity.js';
import { refusal, shownPath } from './errors.js';
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

/**
 * Decided on the route fastify matched (its pattern), not on the URL text: the handler that will run
 * is what matters, whatever dot segments or encodings the URL holds. Unmatched URLs need an agency.
 */
const isProbe = (route: string | undefined): boolean => route === '/healthz' || route === '/readyz';

/**
 * The residents' side: their API, their web page, and the public proofs of the trail's Merkle log.
 * Open without an agency certificate, and limited by the residents' own budget when one is given.
 */
const isResidentRoute = (route: string | undefined): boolean =>
  route !== undefined &&
  (route.startsWith('/v1/resident/') ||
    route.startsWith('/v1/trail/') ||
    route === '/resident' ||
    route.startsWith('/resident/'));

/** Open without a client certificate, within the unauthenticated budget: metrics scrapers, API docs. */
const isOpen = (route: string | undefined): boolean =>
  route !== undefined &&
  (route === '/metrics' ||
    route === '/docs' ||
    route.startsWith('/docs/') ||
    // Residents sign in with their My Number Card, not an agency certificate; TLS still protects them.
    isResidentRoute(route));

const NO_HANDSHAKE: AgencyAuthentication = { ok: false, reason: 'CERTIFICATE_MISSING', fingerprint: null };

/**
 * One onRequest hook (it runs after routing), in this order: probes pass untouched → the agency identity of the connection
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
    /** The residents' budget (resident/resident-budget.ts); absent: resident routes use `limit`. */
    residentLimit?(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  },
): void {
  app.decorateRequest('agency', null as unknown as AuthenticatedAgency);
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (isProbe(route)) return;
    const identity = connectionIdentity(request.raw.socket);
    const result = identity ? authenticateRequest(identity, deps.clock.now(), deps.isRevoked) : NO_HANDSHAKE;
    if (result.ok) request.agency = { agencyId: result.agencyId, serial: result.serial };
    const limit = !result.ok && isResidentRoute(route) ? (deps.residentLimit ?? deps.limit) : deps.limit;
    await limit(request, reply);
    if (result.ok || isOpen(route)) return;
    deps.metrics.authRefusals.inc({ reason: result.reason });
    throw refusal(
      new TsunagiError('UNAUTHENTICATED', `client certificate refused: ${result.reason}`, {
        path: shownPath(request),
      }),
      { reason: result.reason },
    );
  });
}
