import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import { systemClock } from '../../core/clock.js';
import type { EventWire } from '../../platform/event-wire.js';
import type { Logger } from '../../platform/logger.js';
import { BUNDLED_POLICY_PATH, createPolicyStore } from '../../policy/index.js';
import { createDisclosureRecorder } from '../../trail/recorder.js';
import { createConsentCommands } from '../consent-commands.js';
import { createKafkaConsentLog } from '../consent-log.js';
import { createConsentView, followConsents } from '../consent-view.js';
import { createDisclosureService } from '../disclosure-service.js';
import { createGatewayMetrics } from '../metrics.js';
import type { InquiryReadModel, ResidentResolver } from '../ports.js';
import type { SessionTokens } from '../resident/session-token.js';
import { buildGateway, type GatewayDeps } from '../server.js';
import type { AgencyPki } from './tls.js';

/**
 * Test-only: a gateway wired as gateway/main.ts wires it — bundled legal-basis table, the trail and
 * consents on the given (real) Kafka topics, consent commands over the consents topic — listening on
 * a free loopback port. The resident and the duplicate store come from the test.
 */
export async function startGatewayOnKafka(options: {
  kafka: Kafka;
  wire: EventWire;
  logger: Logger;
  pki: AgencyPki;
  trailTopic: string;
  consentsTopic: string;
  residents: ResidentResolver;
  readModel: InquiryReadModel;
  portalAgencies?: string[];
  isRevoked?: (serial: string) => boolean;
  residentSessions?: SessionTokens;
  trailTimeoutMs?: number;
  /** Default true: keep the consent view current from the consents topic (needs a reachable broker). */
  follow?: boolean;
  /** Replace any dependency (limits, audit, rate limits…). */
  overrides?: Partial<GatewayDeps>;
}): Promise<{ app: FastifyInstance; url: string; port: number; close(): Promise<void> }> {
  const { kafka, wire, logger, pki } = options;
  const view = createConsentView();
  const following =
    options.follow === false
      ? undefined
      : await followConsents({ kafka, wire, topic: options.consentsTopic, view, logger });
  const recorder = createDisclosureRecorder({
    kafka,
    wire,
    topic: options.trailTopic,
    logger,
    ...(options.trailTimeoutMs ? { timeoutMs: options.trailTimeoutMs } : {}),
  });
  const consentLog = createKafkaConsentLog({ kafka, wire, topic: options.consentsTopic });
  const consentCommands = createConsentCommands({
    view,
    log: consentLog,
    clock: systemClock,
    ids: randomUUID,
  });
  const app = await buildGateway({
    tls: { cert: pki.server.cert, key: pki.server.key, agencyCa: pki.caPem },
    logger,
    metrics: createGatewayMetrics(),
    disclosures: createDisclosureService({
      policy: await createPolicyStore({ path: BUNDLED_POLICY_PATH, logger }),
      consents: view,
      consentUses: consentCommands,
      readModel: options.readModel,
      recorder,
      clock: systemClock,
      ids: randomUUID,
    }),
    residents: options.residents,
    consentCommands,
    clock: systemClock,
    portalAgencies: options.portalAgencies ?? ['resident-portal'],
    isRevoked: options.isRevoked ?? (() => false),
    readiness: [],
    ratePerMinute: 10_000,
    bodyLimitBytes: 16_384,
    ...(options.residentSessions ? { residentSessions: options.residentSessions } : {}),
    ...options.overrides,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  return {
    app,
    port,
    url: `https://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await Promise.allSettled([recorder.close(), consentLog.close(), following?.stop()]);
    },
  };
}
