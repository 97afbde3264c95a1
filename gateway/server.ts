import { randomUUID } from 'node:crypto';
import type { Server as TlsServer } from 'node:tls';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../platform/logger.js';
import { auditRefusals } from './audit-hooks.js';
import { installRequestGate } from './auth-hook.js';
import { createClientErrorHandler } from './client-errors.js';
import { authenticateConnections, certificatesOf } from './connection-identity.js';
import { installErrorHandling } from './errors.js';
import { installJsonBodies } from './json-body.js';
import type { GatewayMetrics } from './metrics.js';
import { createRequestLimiter } from './rate-limits.js';
import type { ReadinessCheck } from './readiness.js';
import { residentConsents } from './resident/consents.js';
import type { SessionTokens } from './resident/session-token.js';
import { type ResidentSignInOptions, residentSignIn } from './resident/sign-in.js';
import { type ConsentRoutesDeps, consentRoutes } from './routes/consents.js';
import { type DisclosureRoutesDeps, inquiryRoutes } from './routes/inquiries.js';
import { operationsRoutes } from './routes/operations.js';
import { type PushDeps, pushRoutes } from './routes/push.js';
import type { SecurityAudit } from './security-audit.js';
import { installSecurityHeaders } from './security-headers.js';
import {
  type ConnectionLimits,
  connectionsCheckingIntervalMs,
  DEFAULT_CONNECTION_LIMITS,
} from './settings.js';
import { openApiTransform } from './zod-plugin.js';
import { zodSerializerCompiler, zodValidatorCompiler } from './zod-route.js';

export interface GatewayTls {
  /** PEM server certificate chain and key. */
  cert: string | Buffer;
  key: string | Buffer;
  /** PEM of the agency CA(s): the only issuers of accepted client certificates. */
  agencyCa: string | Buffer;
}

export interface GatewayDeps extends DisclosureRoutesDeps, ConsentRoutesDeps {
  tls: GatewayTls;
  logger: Logger;
  metrics: GatewayMetrics;
  isRevoked(serial: string): boolean;
  readiness: readonly ReadinessCheck[];
  ratePerMinute: number;
  /** Requests per minute per client address without an agency certificate; default 60. */
  unauthenticatedRatePerMinute?: number;
  bodyLimitBytes: number;
  /** Bounds on slow clients; default DEFAULT_CONNECTION_LIMITS (settings.ts). */
  connectionLimits?: Partial<ConnectionLimits>;
  /** Where refusals before the trail are recorded (security-audit topic); absent: nowhere. */
  securityAudit?: SecurityAudit;
  /** Resident sign-in with the My Number Card (JPKI); absent when no JPKI trust anchors are configured. */
  residentSignIn?: ResidentSignInOptions;
  /** Verifies resident session tokens for the resident's own routes (`/v1/resident/consents`); absent: not mounted. */
  residentSessions?: SessionTokens;
  /** Linking, the resident's ledger and notice inbox (issue 15, routes/push.ts); absent: not mounted. */
  push?: PushDeps;
}

/**
 * The gateway: fastify over TLS with client certificates from the agency CA. Each connection is
 * authenticated once at its handshake, renegotiation refused (connection-identity.ts). Per request,
 * in this order: the request gate (probes pass; rate limit by agency or client address; 401) →
 * body parsing (UTF-8 JSON only, within the body limit) → zod validation → route. Every answer gets
 * the security headers; refusals before the trail go to the security audit. Slow clients are cut off
 * at the connection limits. Call `listen` on the result; `close` stops it.
 */
export async function buildGateway(deps: GatewayDeps): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...deps.connectionLimits };
  const audit = auditRefusals(deps.securityAudit, deps.metrics);
  // Typed as the plain instance the route modules take: they never touch the https server itself.
  const app = Fastify({
    https: {
      cert: deps.tls.cert,
      key: deps.tls.key,
      ca: deps.tls.agencyCa,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      handshakeTimeout: limits.tlsHandshakeTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: connectionsCheckingIntervalMs(limits),
      maxHeaderSize: limits.maxHeaderBytes,
    },
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    clientErrorHandler: createClientErrorHandler(limits, audit.onConnectionRefusal),
    loggerInstance: deps.logger.child({ component: 'gateway' }),
    disableRequestLogging: true,
    bodyLimit: deps.bodyLimitBytes,
    genReqId: () => randomUUID(),
  }) as unknown as FastifyInstance;
  authenticateConnections(app.server as unknown as TlsServer, {
    agencyCas: certificatesOf(deps.tls.agencyCa),
    clock: deps.clock,
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(zodSerializerCompiler);
  installErrorHandling(app, audit.onRefusal);
  installSecurityHeaders(app);
  installJsonBodies(app);

  // URLs can carry PPIDs: log the route pattern, never the URL.
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    deps.metrics.requests.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      seconds,
    );
    request.log.info(
      { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });

  installRequestGate(app, {
    isRevoked: deps.isRevoked,
    clock: deps.clock,
    metrics: deps.metrics,
    limit: await createRequestLimiter(app, {
      agencyPerMinute: deps.ratePerMinute,
      unauthenticatedPerMinute: deps.unauthenticatedRatePerMinute ?? 60,
    }),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Tsunagi gateway', version: '1' },
      components: { securitySchemes: { residentSession: { type: 'http', scheme: 'bearer' } } },
    },
    transform: openApiTransform,
  });
  // Swagger UI sets its own Content-Security-Policy (with its scripts' hashes); the hook keeps it.
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  operationsRoutes(app, { readiness: deps.readiness, metrics: deps.metrics });
  inquiryRoutes(app, deps);
  consentRoutes(app, deps);
  if (deps.residentSignIn) await app.register(residentSignIn, deps.residentSignIn);
  if (deps.residentSessions)
    await app.register(residentConsents, { ...deps, sessions: deps.residentSessions });
  if (deps.push)
    await app.register(pushRoutes, {
      ...deps.push,
      metrics: deps.metrics,
      residents: deps.residents,
      ...(deps.residentSessions ? { sessions: deps.residentSessions } : {}),
    });
  return app;
}
