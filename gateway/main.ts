import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { systemClock } from '../core/clock.js';
import { BUNDLED_POLICY_PATH, createPolicyStore } from '../core/policy/index.js';
import { identityConfigFor } from '../identity/hub-config.js';
import { createIdentityHub } from '../identity/index.js';
import { loadInfraConfig } from '../platform/config.js';
import { createEventWire } from '../platform/event-wire.js';
import { createKafka } from '../platform/kafka.js';
import { createLogger } from '../platform/logger.js';
import { projectionStoreRoot, readProjectionSettings } from '../projections/catalogue.js';
import { openProjectionViews } from '../projections/views.js';
import { Topics, topicName } from '../schemas/topics.js';
import { createDisclosureRecorder } from '../trail/recorder.js';
import { createAgencyRevocations } from './agency-revocations.js';
import { createConsentCommands } from './consent-commands.js';
import { createKafkaConsentLog } from './consent-log.js';
import { createConsentView, followConsents } from './consent-view.js';
import { createDisclosureService } from './disclosure-service.js';
import { createGatewayMetrics } from './metrics.js';
import { startGatewayPush } from './push/wiring.js';
import { kafkaReadiness } from './readiness.js';
import { residentSignInFromEnv } from './resident/wiring.js';
import { createSecurityAudit } from './security-audit.js';
import { kafkaSecurityEventLog } from './security-event-log.js';
import { buildGateway } from './server.js';
import { connectionLimitsOf, loadGatewaySettings } from './settings.js';

async function main(): Promise<void> {
  const infra = loadInfraConfig();
  const settings = loadGatewaySettings();
  const logger = createLogger({ name: 'gateway', level: infra.LOG_LEVEL });
  const clock = systemClock;
  const trailTopic = settings.GATEWAY_TRAIL_TOPIC ?? topicName(infra.TOPIC_PREFIX, Topics.accessTrail);
  const consentsTopic = settings.GATEWAY_CONSENTS_TOPIC ?? topicName(infra.TOPIC_PREFIX, Topics.consents);
  const agencyCa = readFileSync(settings.GATEWAY_AGENCY_CA);

  const kafka = createKafka(infra, logger, {
    principal: 'gateway',
    requestTimeout: settings.GATEWAY_TRAIL_TIMEOUT_MS,
  });
  const wire = createEventWire(infra);
  const identityConfig = identityConfigFor(infra);
  const identity = await createIdentityHub({
    wire,
    config: identityConfig,
    kafka,
    topicPrefix: infra.TOPIC_PREFIX,
    clock,
    logger,
  });
  const policy = await createPolicyStore({
    path: settings.GATEWAY_POLICY_FILE ?? BUNDLED_POLICY_PATH,
    logger,
    watch: true,
  });
  const revocations = await createAgencyRevocations({
    crlPath: settings.GATEWAY_AGENCY_CRL,
    serialsPath: settings.GATEWAY_REVOKED_SERIALS,
    caCertificate: new Uint8Array(new X509Certificate(agencyCa).raw),
    clock,
    logger,
    watch: true,
  });
  const recorder = createDisclosureRecorder({
    kafka,
    wire,
    topic: trailTopic,
    logger,
    timeoutMs: settings.GATEWAY_TRAIL_TIMEOUT_MS,
  });
  const view = createConsentView();
  const following = await followConsents({ kafka, wire, topic: consentsTopic, view, logger });
  const consentLog = createKafkaConsentLog({ kafka, wire, topic: consentsTopic });
  const consentCommands = createConsentCommands({ view, log: consentLog, clock, ids: randomUUID });
  const metrics = createGatewayMetrics();
  const securityAudit = createSecurityAudit({
    log: kafkaSecurityEventLog({ kafka, wire, topicPrefix: infra.TOPIC_PREFIX, logger }),
    clock,
    ids: randomUUID,
    logger,
    // A fresh key per process unless one is configured: hashes then link events within one run only.
    addressKey: settings.GATEWAY_AUDIT_ADDRESS_KEY
      ? readFileSync(settings.GATEWAY_AUDIT_ADDRESS_KEY)
      : randomBytes(32),
    capacity: settings.GATEWAY_AUDIT_QUEUE_CAPACITY,
    metrics: { recorded: metrics.securityEvents, dropped: metrics.securityEventsDropped },
  });
  const signIn = await residentSignInFromEnv({
    kafka,
    wire,
    topicPrefix: infra.TOPIC_PREFIX,
    identity,
    clock,
    logger,
  });
  const push = await startGatewayPush({
    kafka,
    wire,
    topicPrefix: infra.TOPIC_PREFIX,
    vaultKeys: identityConfig.vaultKeys,
    policy,
    identity,
    recorder,
    clock,
    logger,
    linksPerMinute: settings.GATEWAY_LINKS_PER_MINUTE,
  });
  // The duplicate store and resident records, read from the projector's lmdb views (read-only).
  const views = openProjectionViews({ storeRoot: projectionStoreRoot(infra, readProjectionSettings()) });
  const readModel = {
    latestItem: views.latestItem,
    residentRecord: views.residentRecord,
    publicMoneyAccount: push.publicMoneyAccount,
    ready: () => true,
  };

  const app = await buildGateway({
    tls: {
      cert: readFileSync(settings.GATEWAY_TLS_CERT),
      key: readFileSync(settings.GATEWAY_TLS_KEY),
      agencyCa,
    },
    logger,
    metrics,
    disclosures: createDisclosureService({
      policy,
      consents: view,
      consentUses: consentCommands,
      readModel,
      recorder,
      clock,
      ids: randomUUID,
    }),
    residents: identity.codes,
    consentCommands,
    clock,
    portalAgencies: settings.GATEWAY_PORTAL_AGENCIES,
    isRevoked: revocations.isRevoked,
    readiness: [
      kafkaReadiness(kafka, [trailTopic, consentsTopic]),
      { name: 'stores', check: () => readModel.ready?.() ?? true },
    ],
    ratePerMinute: settings.GATEWAY_RATE_LIMIT_PER_MINUTE,
    unauthenticatedRatePerMinute: settings.GATEWAY_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: settings.GATEWAY_BODY_LIMIT_BYTES,
    connectionLimits: connectionLimitsOf(settings),
    securityAudit,
    ...(signIn ? { residentSignIn: signIn.options, residentSessions: signIn.options.sessions } : {}),
    push: push.push,
  });
  await app.listen({ host: settings.GATEWAY_HOST, port: settings.GATEWAY_PORT });
  logger.info({ url: `https://${settings.GATEWAY_HOST}:${settings.GATEWAY_PORT}` }, 'gateway listening');

  // SIGHUP re-reads the legal-basis table and the agency revocations without a restart.
  process.on('SIGHUP', () => void Promise.all([policy.reload(), revocations.reload()]));
  const stop = async () => {
    await app.close();
    await Promise.allSettled([
      recorder.close(),
      securityAudit.close(),
      consentLog.close(),
      following.stop(),
      identity.close(),
      views.close(),
      signIn?.close(),
      push.close(),
    ]);
    policy.close();
    revocations.close();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  createLogger({ name: 'gateway' }).fatal({ err: error }, 'gateway failed to start');
  process.exitCode = 1;
});
