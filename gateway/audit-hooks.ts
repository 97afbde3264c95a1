import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { ConnectionRefusal } from './client-errors.js';
import { connectionIdentity } from './connection-identity.js';
import type { RefusalListener } from './errors.js';
import type { GatewayMetrics } from './metrics.js';
import { oncePerWindow } from './once-per-window.js';
import type { SecurityAudit } from './security-audit.js';
import { refusalFact } from './security-events.js';

/**
 * Connects the gateway's refusals to the security audit: HTTP refusals from the error handlers,
 * connection refusals from the client error handler. Reads only the route pattern (never the URL),
 * the authenticated agency, the connection's certificate fingerprint and the client address (which
 * the audit hashes at once). Without an audit only the metric is kept.
 */
export function auditRefusals(
  audit: SecurityAudit | undefined,
  metrics: Pick<GatewayMetrics, 'connectionRefusals'>,
): {
  onRefusal: RefusalListener;
  onConnectionRefusal(refusal: ConnectionRefusal, socket: Socket): void;
} {
  // Connection refusals cost a client nothing (no certificate, no request): one record per client
  // address, kind, reason and minute is the evidence; the metric counts every one.
  const firstInWindow = oncePerWindow(60_000);
  if (!audit)
    return {
      onRefusal: () => undefined,
      onConnectionRefusal: (refusal) => metrics.connectionRefusals.inc({ kind: refusal.kind }),
    };
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
      metrics.connectionRefusals.inc({ kind: refusal.kind });
      const clientAddress = socket.remoteAddress ?? null;
      if (!firstInWindow(`${refusal.kind}|${refusal.reason}|${clientAddress}`)) return;
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
        clientAddress,
        correlationId: `connection-${randomUUID()}`,
      });
    },
  };
}
