import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { TsunagiError } from '../core/errors.js';
import type { Logger } from '../platform/logger.js';
import { installAgencyAuthentication } from './auth-hook.js';
import { installErrorHandling } from './errors.js';
import type { GatewayMetrics } from './metrics.js';
import type { ReadinessCheck } from './readiness.js';
import { residentConsents } from './resident/consents.js';
import type { SessionTokens } from './resident/session-token.js';
import { type ResidentSignInOptions, residentSignIn } from './resident/sign-in.js';
import { type ConsentRoutesDeps, consentRoutes } from './routes/consents.js';
import { type DisclosureRoutesDeps, inquiryRoutes } from './routes/inquiries.js';
import { operationsRoutes } from './routes/operations.js';
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
  bodyLimitBytes: number;
  /** Resident sign-in with the My Number Card (JPKI); absent when no JPKI trust anchors are configured. */
  residentSignIn?: ResidentSignInOptions;
  /** Verifies resident session tokens for the resident's own routes (`/v1/resident/consents`); absent: not mounted. */
  residentSessions?: SessionTokens;
}

/**
 * The gateway: fastify over TLS with client certificates from the agency CA. Hook order matters:
 * authentication (sets the agency id) → rate limit keyed by agency id → body parsing within the
 * body limit → zod validation → route. Call `listen` on the result; `close` stops it.
 */
export async function buildGateway(deps: GatewayDeps): Promise<FastifyInstance> {
  // Typed as the plain instance the route modules take: they never touch the https server itself.
  const app = Fastify({
    https: {
      cert: deps.tls.cert,
      key: deps.tls.key,
      ca: deps.tls.agencyCa,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    loggerInstance: deps.logger.child({ component: 'gateway' }),
    disableRequestLogging: true,
    bodyLimit: deps.bodyLimitBytes,
    genReqId: () => randomUUID(),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(zodSerializerCompiler);
  installErrorHandling(app);

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

  installAgencyAuthentication(app, { isRevoked: deps.isRevoked, metrics: deps.metrics });
  await app.register(rateLimit, {
    max: deps.ratePerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => request.agency?.agencyId ?? request.ip,
    errorResponseBuilder: (_request, context) =>
      Object.assign(
        new TsunagiError('RATE_LIMITED', `rate limit of ${context.max} requests per minute exceeded`, {
          path: 'agency',
        }),
        { statusCode: context.statusCode },
      ),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Tsunagi gateway', version: '1' },
      components: { securitySchemes: { residentSession: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  operationsRoutes(app, { readiness: deps.readiness, metrics: deps.metrics });
  inquiryRoutes(app, deps);
  consentRoutes(app, deps);
  if (deps.residentSignIn) await app.register(residentSignIn, deps.residentSignIn);
  if (deps.residentSessions)
    await app.register(residentConsents, { ...deps, sessions: deps.residentSessions });
  return app;
}
