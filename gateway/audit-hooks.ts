import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { ConnectionRefusal } from './client-errors.js';
import { connectionIdentity } from './connection-identity.js';
import type { RefusalListener } from './errors.js';
import type { SecurityAudit } from './security-audit.js';
import { refusalFact } from './security-events.js';

/**
 * Connects the gateway's refusals to the security audit: HTTP refusals from the error handlers,
 * connection refusals from the client error handler. Reads only the route pattern (never the URL),
 * the authenticated agency, the connection's certificate fingerprint and the client address (which
 * the audit hashes at once). Without an audit both are no-ops.
 */
export function auditRefusals(audit: SecurityAudit | undefined): {
  onRefusal: RefusalListener;
  onConnectionRefusal(refusal: ConnectionRefusal, socket: Socket): void;
} {
  if (!audit) return { onRefusal: () => undefined, onConnectionRefusal: () => undefined };
  return {
    onRefusal(request: FastifyRequest, refusal) {
      const fact = refusalFact(refusal, {
        route: request.routeOptions.url ?? 'unmatched',
        method: request.method,
        agencyId: request.agency?.agencyId ?? null,
        certificateSha256: connectionIdentity(request.raw.socket)?.fingerprint ?? null,
        clientAddress: request.ip ?? null,
        correlationId: request.id,
      });
      if (fact) audit.record(fact);
    },
    onConnectionRefusal(refusal, socket) {
      const identity = connectionIdentity(socket);
      audit.record({
        kind: refusal.kind,
        route: null,
        method: null,
        status: refusal.answer?.status ?? null,
        errorCode: refusal.answer?.code ?? null,
        reason: refusal.reason,
        agencyId: identity?.ok ? identity.agencyId : null,
        certificateSha256: identity?.fingerprint ?? null,
        clientAddress: socket.remoteAddress ?? null,
        correlationId: `connection-${randomUUID()}`,
      });
    },
  };
}
