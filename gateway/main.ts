import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { systemClock } from '../core/clock.js';
import { identityConfigFor } from '../identity/hub-config.js';
import { createIdentityHub } from '../identity/index.js';
import { loadInfraConfig } from '../platform/config.js';
import { CONSUMER_GROUPS } from '../platform/consumer-groups.js';
import { createEventStore } from '../platform/event-store.js';
import { createEventWire } from '../platform/event-wire.js';
import { createKafka } from '../platform/kafka.js';
import { createLogger } from '../platform/logger.js';
import { followInMemory, memoryView } from '../platform/memory-view.js';
import { infraPaths } from '../platform/paths.js';
import { BUNDLED_POLICY_PATH, createPolicyStore } from '../policy/index.js';
import { projectionStoreRoot, readProjectionSettings } from '../projections/catalogue.js';
import { consentsOf, consentsView } from '../projections/consents.js';
import { openProjectionViews } from '../projections/views.js';
import { Topics, topicName } from '../schemas/topics.js';
import { loadTrailLogReaderConfig, loadTrailSubjectKeys } from '../trail/log/config.js';
import { openTrailLogReader } from '../trail/log/reader.js';
import { createDisclosureRecorder } from '../trail/recorder.js';
import { createAgencyRevocations } from './agency-revocations.js';
import { createConsentCommands } from './consent-commands.js';
import { createGatewayMetrics } from './metrics.js';
import { startGatewayPush } from './push/wiring.js';
import { projectionReadModel } from './read-model.js';
import { kafkaReadiness } from './readiness.js';
import { buildResidentPage } from './resident/page.js';
import { startSessionLedger } from './resident/session-ledger-kafka.js';
import { ledgerRevocations } from './resident/session-revocations.js';
import { residentSignInFromEnv } from './resident/wiring.js';
import { createSecurityAudit } from './security-audit.js';
import { kafkaSecurityEventLog } from './security-event-log.js';
import { buildGateway } from './server.js';
import { connectionLimitsOf, instanceShare, loadGatewaySettings } from './settings.js';

async function main(): Promise<void> {
  const infra = loadInfraConfig();
  const settings = loadGatewaySettings();
  // Asynchronous stdout: a log line never blocks an answer on a write(2); pino flushes it at exit.
  const logger = createLogger(
    { name: 'gateway', level: infra.LOG_LEVEL },
    pino.destination({ dest: 1, sync: false }),
  );
  const clock = systemClock;
  const trailTopic = settings.GATEWAY_TRAIL_TOPIC ?? topicName(infra.TOPIC_PREFIX, Topics.accessTrail);
  const consentsTopic = settings.GATEWAY_CONSENTS_TOPIC ?? topicName(infra.TOPIC_PREFIX, Topics.consents);
  const agencyCa = readFileSync(settings.GATEWAY_AGENCY_CA);

  const kafka = createKafka(infra, logger, {
    principal: 'gateway',
    requestTimeout: settings.GATEWAY_TRAIL_TIMEOUT_MS,
  });
  const store = createEventStore({
    kafka,
    wire: createEventWire(infra),
    topicPrefix: infra.TOPIC_PREFIX,
    topicNames: { 'access-trail': trailTopic, consents: consentsTopic },
    requestTimeoutMs: settings.GATEWAY_TRAIL_TIMEOUT_MS,
    deadLetterProducer: 'gateway',
    logger,
  });
  const identityConfig = identityConfigFor(infra);
  const identity = await createIdentityHub({ store, config: identityConfig, clock, logger });
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
  const recorder = createDisclosureRecorder({ store, logger, timeoutMs: settings.GATEWAY_TRAIL_TIMEOUT_MS });
  // The consents view in memory, so a command decides on (and a listing shows) the gateway's own writes.
  const consents = memoryView(consentsView);
  const following = await followInMemory(store, consents, CONSUMER_GROUPS.gatewayConsents.prefix);
  const consentCommands = createConsentCommands({ view: consents, store, clock, ids: randomUUID });
  const push = await startGatewayPush({
    store,
    vaultKeys: identityConfig.vaultKeys,
    policy,
    identity,
    recorder,
    clock,
    logger,
    linksPerMinute: instanceShare(settings.GATEWAY_LINKS_PER_MINUTE, settings),
  });
  const metrics = createGatewayMetrics();
  const securityAudit = createSecurityAudit({
    log: kafkaSecurityEventLog({ store }),
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
  // Challenges and sign-outs on the session ledger every instance follows: a sign-in begun on one
  // instance completes on another, a sign-out holds on all, and both outlive a restart.
  const instance = settings.GATEWAY_INSTANCE_ID ?? `${hostname().slice(0, 48)}:${process.pid}`;
  const sessionLedger = await startSessionLedger({
    store,
    clock,
    timeoutMs: settings.GATEWAY_TRAIL_TIMEOUT_MS,
  });
  const sessionRevocations = ledgerRevocations({ ...sessionLedger, clock, instance });
  const signIn = await residentSignInFromEnv({
    store,
    identity,
    clock,
    logger,
    revocations: sessionRevocations,
    ledger: { ...sessionLedger, instance },
    instances: settings.GATEWAY_INSTANCES,
  });
  // The trail's Merkle log, read from the trail-log service's store on this host (read-only lmdb).
  const trailLogConfig = loadTrailLogReaderConfig(infra.home);
  const trailLog = openTrailLogReader({ storeDir: trailLogConfig.storeDir });
  const residentPage = await buildResidentPage(join(infraPaths(infra.home).cache, 'resident-page'));
  // The duplicate store and resident records, read from the projector's lmdb views (read-only).
  const storeRoot = projectionStoreRoot(infra, readProjectionSettings());
  const views = openProjectionViews({ storeRoot });

  const app = await buildGateway({
    tls: {
      cert: readFileSync(settings.GATEWAY_TLS_CERT),
      key: readFileSync(settings.GATEWAY_TLS_KEY),
      agencyCa,
    },
    logger,
    clock,
    metrics,
    limits: {
      ratePerMinute: instanceShare(settings.GATEWAY_RATE_LIMIT_PER_MINUTE, settings),
      unauthenticatedRatePerMinute: settings.GATEWAY_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE,
      bodyLimitBytes: settings.GATEWAY_BODY_LIMIT_BYTES,
      connectionLimits: connectionLimitsOf(settings),
    },
    clients: {
      trail: recorder,
      consentCommands,
      residents: identity.codes,
      broker: kafkaReadiness(kafka, [trailTopic, consentsTopic]),
      securityAudit,
    },
    readModels: {
      policy,
      inquiries: { ...projectionReadModel(views, storeRoot), publicMoneyAccount: push.publicMoneyAccount },
      consents: { consentsOf: (linkageId) => consentsOf(consents, linkageId) },
      isRevoked: revocations.isRevoked,
    },
    portalAgencies: settings.GATEWAY_PORTAL_AGENCIES,
    residentSignIn: signIn?.options,
    residentSessions: signIn?.options.sessions,
    sessionRevocations,
    residentBudgets: {
      perSessionPerMinute: settings.GATEWAY_RESIDENT_RATE_LIMIT_PER_MINUTE,
      perAddressPerMinute: settings.GATEWAY_RESIDENT_ADDRESS_RATE_LIMIT_PER_MINUTE,
    },
    trailLog: { trailLog, verifierKey: trailLogConfig.verifierKey },
    residentHistory: { trailOf: views.trailOf, subjects: loadTrailSubjectKeys(infra.home) },
    residentPage,
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
      following.stop(),
      identity.close(),
      views.close(),
      signIn?.close(),
      trailLog.close(),
      sessionLedger.close(),
      push.close(),
    ]);
    await store.close();
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
