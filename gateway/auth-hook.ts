import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { authenticateAgency } from './agency-auth.js';
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

/** A subject with several CNs names no single agency. */
const singleCN = (cn: string | string[] | undefined): string | undefined =>
  typeof cn === 'string' ? cn : undefined;

/** Routes open without a client certificate (probes, metrics scrapers, API docs). */
const isPublic = (url: string): boolean =>
  url === '/healthz' ||
  url === '/readyz' ||
  url === '/metrics' ||
  url === '/docs' ||
  url.startsWith('/docs/') ||
  // Residents sign in with their My Number Card, not an agency certificate; TLS still protects them.
  url.startsWith('/v1/resident/');

/**
 * TLS asks every client for a certificate but lets the handshake complete (`rejectUnauthorized:
 * false`), so that a refusal is an HTTP 401 whose `reason` a machine can read instead of a bare
 * handshake failure. Registered before the rate limiter, which keys on the agency id set here.
 */
export function installAgencyAuthentication(
  app: FastifyInstance,
  deps: { isRevoked(serial: string): boolean; metrics: GatewayMetrics },
): void {
  app.decorateRequest('agency', null as unknown as AuthenticatedAgency);
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    if (isPublic(path)) return;
    const socket = request.raw.socket as TLSSocket;
    const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
    const result = authenticateAgency(
      {
        authorized: socket.authorized === true,
        authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
        certificate:
          peer && Object.keys(peer).length > 0
            ? { subjectCN: singleCN(peer.subject?.CN), serialNumber: peer.serialNumber }
            : undefined,
      },
      deps.isRevoked,
    );
    if (!result.ok) {
      deps.metrics.authRefusals.inc({ reason: result.reason });
      return reply.code(401).send({
        code: 'UNAUTHENTICATED',
        message: `client certificate refused: ${result.reason}`,
        path,
        reason: result.reason,
      });
    }
    request.agency = { agencyId: result.agencyId, serial: result.serial };
  });
}
