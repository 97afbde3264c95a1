import { randomUUID } from 'node:crypto';
import type { Server as TlsServer } from 'node:tls';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Clock } from '../core/clock.js';
import type { LegalBasisPolicy } from '../core/policy/table.js';
import type { Logger } from '../platform/logger.js';
import type { DisclosureRecorder } from '../trail/recorder.js';
import { apiDocs } from './api-docs.js';
import { auditRefusals } from './audit-hooks.js';
import { installRequestGate } from './auth-hook.js';
import { createClientErrorHandler } from './client-errors.js';
import { authenticateConnections, certificatesOf } from './connection-identity.js';
import type { ConsentCommands } from './consent-commands.js';
import { installErrorHandling } from './errors.js';
import { installJsonBodies } from './json-body.js';
import type { GatewayMetrics } from './metrics.js';
import { consentCommandsClient, identityClient, trailClient } from './plugins/clients.js';
import { disclosures } from './plugins/disclosures.js';
import {
  consentReadModel,
  inquiryReadModel,
  policyReadModel,
  revocationsReadModel,
} from './plugins/read-models.js';
import type { ConsentReadModel, InquiryReadModel, ResidentResolver } from './ports.js';
import { createRequestLimiter } from './rate-limits.js';
import { type ReadinessCheck, readinessPlugin } from './readiness.js';
import { logRequests } from './request-log.js';
import { type ResidentPageOptions, residentPage } from './resident/page.js';
import { createResidentLimiter, type ResidentBudgets } from './resident/resident-budget.js';
import type { SessionRevocations } from './resident/session-revocations.js';
import type { SessionTokens } from './resident/session-token.js';
import inquiries from './routes/inquiries.js';
import operations from './routes/operations.js';
import { type PushDeps, pushRoutes } from './routes/push.js';
import residentConsents from './routes/resident-consents.js';
import { type ResidentHistoryOptions, residentHistoryRoutes } from './routes/resident-history.js';
import { type ResidentSignInOptions, residentSignIn } from './routes/resident-sign-in.js';
import { residentSignOutRoutes } from './routes/resident-sign-out.js';
import residentsConsents from './routes/residents-consents.js';
import selfInformation from './routes/self-information.js';
import { type TrailLogRoutesOptions, trailLogRoutes } from './routes/trail-log.js';
import type { SecurityAudit } from './security-audit.js';
import { installSecurityHeaders } from './security-headers.js';
import {
  type ConnectionLimits,
  connectionsCheckingIntervalMs,
  DEFAULT_CONNECTION_LIMITS,
} from './settings.js';

export interface GatewayTls {
  /** PEM server certificate chain and key. */
  cert: string | Buffer;
  key: string | Buffer;
  /** PEM of the agency CA(s): the only issuers of accepted client certificates. */
  agencyCa: string | Buffer;
}

export interface GatewayLimits {
  /** Requests per minute of one agency. */
  ratePerMinute: number;
  /** Requests per minute per client address without an agency certificate; default 60. */
  unauthenticatedRatePerMinute?: number | undefined;
  bodyLimitBytes: number;
  /** Bounds on slow clients; default DEFAULT_CONNECTION_LIMITS (settings.ts). */
  connectionLimits?: Partial<ConnectionLimits> | undefined;
}

/** The clients the gateway talks to; made and closed by the caller (main.ts, the test gateway). */
export interface GatewayClients {
  trail: DisclosureRecorder;
  consentCommands: ConsentCommands;
  residents: ResidentResolver;
  /** Kafka reachable with the gateway's topics led, for /readyz (readiness.ts `kafkaReadiness`). */
  broker?: ReadinessCheck | undefined;
  /** Where refusals before the trail are recorded (security-audit topic); absent: nowhere. */
  securityAudit?: SecurityAudit | undefined;
}

/** What the gateway reads; each port may offer `ready()` for /readyz. */
export interface GatewayReadModels {
  policy: { current(): LegalBasisPolicy };
  inquiries: InquiryReadModel;
  consents: ConsentReadModel;
  isRevoked(serial: string): boolean;
}

export interface GatewayOptions {
  tls: GatewayTls;
  logger: Logger;
  clock: Clock;
  metrics: GatewayMetrics;
  limits: GatewayLimits;
  clients: GatewayClients;
  readModels: GatewayReadModels;
  /** Agencies that act for the resident (the portal): the only agencies that may record a consent. */
  portalAgencies: readonly string[];
  /** Resident sign-in with the My Number Card (JPKI); absent when no JPKI trust anchors are configured. */
  residentSignIn?: ResidentSignInOptions | undefined;
  /** Verifies resident session tokens for the resident's own routes (`/v1/resident/consents`); absent: not mounted. */
  residentSessions?: SessionTokens | undefined;
  /** Signed-out sessions; with residentSessions, mounts `POST /v1/resident/sign-out`. */
  sessionRevocations?: SessionRevocations | undefined;
  /** The residents' own budgets (per session, per address); default 120 and 300 a minute. */
  residentBudgets?: Partial<ResidentBudgets> | undefined;
  /** The trail's Merkle log: public proof routes under /v1/trail/; absent: not mounted. */
  trailLog?: TrailLogRoutesOptions | undefined;
  /** With residentSessions and trailLog: `GET /v1/resident/history`. */
  residentHistory?: Pick<ResidentHistoryOptions, 'trailOf' | 'subjects'> | undefined;
  /** The resident's web page at /resident/; absent: not served. */
  residentPage?: ResidentPageOptions | undefined;
  /** Trail event ids; default randomUUID. */
  ids?: () => string;
  /** Linking, the resident's ledger and notice inbox (issue 15, routes/push.ts); absent: not mounted. */
  push?: PushDeps | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    clock: Clock;
    metrics: GatewayMetrics;
  }
}

/**
 * The gateway: fastify over TLS with client certificates from the agency CA. Each connection is
 * authenticated once at its handshake, renegotiation refused (connection-identity.ts). Per request,
 * in this order: the request gate (probes pass; rate limit by agency or client address; 401) →
 * body parsing (UTF-8 JSON only, within the body limit) → zod validation → route. Every answer gets
 * the security headers; every error body is built by errors.ts; refusals before the trail go to the
 * security audit. Slow clients are cut off at the connection limits. Call `listen` on the result.
 *
 * In the fastify/demo shape: the clients and read models are plugins that decorate the instance
 * (plugins/), the services depend on them by name, and each URL's routes are a plugin (routes/)
 * declaring what it needs. A new route plugin is one more `register` in `registerRoutes`.
 */
export async function buildGateway(options: GatewayOptions): Promise<FastifyInstance> {
  const connection = { ...DEFAULT_CONNECTION_LIMITS, ...options.limits.connectionLimits };
  const audit = auditRefusals(options.clients.securityAudit, options.metrics);
  // Typed as the plain instance the route modules take: they never touch the https server itself.
  const app = Fastify({
    https: {
      cert: options.tls.cert,
      key: options.tls.key,
      ca: options.tls.agencyCa,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      handshakeTimeout: connection.tlsHandshakeTimeoutMs,
      headersTimeout: connection.headersTimeoutMs,
      requestTimeout: connection.requestTimeoutMs,
      connectionsCheckingInterval: connectionsCheckingIntervalMs(connection),
      maxHeaderSize: connection.maxHeaderBytes,
    },
    keepAliveTimeout: connection.keepAliveTimeoutMs,
    requestTimeout: connection.requestTimeoutMs,
    clientErrorHandler: createClientErrorHandler(connection, audit.onConnectionRefusal),
    loggerInstance: options.logger.child({ component: 'gateway' }),
    disableRequestLogging: true,
    bodyLimit: options.limits.bodyLimitBytes,
    genReqId: () => randomUUID(),
  }) as unknown as FastifyInstance;
  authenticateConnections(app.server as unknown as TlsServer, {
    agencyCas: certificatesOf(options.tls.agencyCa),
    clock: options.clock,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app, audit.onRefusal);
  installSecurityHeaders(app);
  installJsonBodies(app);
  app.decorate('clock', options.clock);
  app.decorate('metrics', options.metrics);
  logRequests(app);

  installRequestGate(app, {
    isRevoked: options.readModels.isRevoked,
    clock: options.clock,
    metrics: options.metrics,
    limit: await createRequestLimiter(app, {
      agencyPerMinute: options.limits.ratePerMinute,
      unauthenticatedPerMinute: options.limits.unauthenticatedRatePerMinute ?? 60,
    }),
    residentLimit: createResidentLimiter(
      app,
      { perSessionPerMinute: 120, perAddressPerMinute: 300, ...options.residentBudgets },
      options.residentSessions,
    ),
  });
  await app.register(apiDocs);

  await app.register(readinessPlugin);
  const { clients, readModels } = options;
  await app.register(trailClient, { recorder: clients.trail, broker: clients.broker });
  await app.register(consentCommandsClient, { commands: clients.consentCommands });
  await app.register(identityClient, { residents: clients.residents });
  await app.register(policyReadModel, { policy: readModels.policy });
  await app.register(inquiryReadModel, { readModel: readModels.inquiries });
  await app.register(consentReadModel, { readModel: readModels.consents });
  await app.register(revocationsReadModel, { isRevoked: readModels.isRevoked });
  await app.register(disclosures, options.ids ? { ids: options.ids } : {});
  await registerRoutes(app, options);
  return app;
}

/** The routes, one plugin per URL; each names the plugins it depends on. */
async function registerRoutes(app: FastifyInstance, options: GatewayOptions): Promise<void> {
  await app.register(operations);
  await app.register(inquiries);
  await app.register(selfInformation);
  await app.register(residentsConsents, { portalAgencies: options.portalAgencies });
  if (options.residentSignIn) await app.register(residentSignIn, options.residentSignIn);
  const sessions = options.residentSessions;
  if (sessions) await app.register(residentConsents, { sessions });
  if (sessions && options.sessionRevocations)
    await app.register(residentSignOutRoutes, { sessions, revocations: options.sessionRevocations });
  if (options.trailLog) await app.register(trailLogRoutes, options.trailLog);
  if (options.trailLog && sessions && options.residentHistory)
    await app.register(residentHistoryRoutes, {
      ...options.trailLog,
      ...options.residentHistory,
      sessions,
      residents: options.clients.residents,
      clock: options.clock,
    });
  if (options.residentPage) await app.register(residentPage, options.residentPage);
  if (options.push)
    await app.register(pushRoutes, {
      ...options.push,
      metrics: options.metrics,
      residents: options.clients.residents,
      ...(sessions ? { sessions } : {}),
    });
}
