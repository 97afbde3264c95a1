import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Kafka } from 'kafkajs';
import { systemClock } from '../../core/clock.js';
import { type LinkageId, newLinkageId } from '../../identity/linkage-id.js';
import { createTestHub, type TestHub } from '../../identity/testing/hub.js';
import { CONSUMER_GROUPS } from '../../platform/consumer-groups.js';
import { createEventStore } from '../../platform/event-store.js';
import { createEventWire, type EventWire } from '../../platform/event-wire.js';
import type { Logger } from '../../platform/logger.js';
import { followInMemory, memoryView } from '../../platform/memory-view.js';
import { BUNDLED_POLICY_PATH, createPolicyStore } from '../../policy/index.js';
import { consentsOf, consentsView } from '../../projections/consents.js';
import type { DisclosureRecorded } from '../../schemas/events.js';
import { anEvent } from '../../schemas/testing/events.js';
import { createTestTopic, testConfig, testKafka, testLogger } from '../../tests/support/infra.js';
import { readTopic } from '../../tests/support/read-topic.js';
import { createDisclosureRecorder } from '../../trail/recorder.js';
import { createConsentCommands } from '../consent-commands.js';
import { installErrorHandling } from '../errors.js';
import { createGatewayMetrics } from '../metrics.js';
import type { InquiryReadModel, ResidentResolver } from '../ports.js';
import { memoryReadModel } from '../read-model.js';
import { kafkaReadiness } from '../readiness.js';
import type { SessionTokens } from '../resident/session-token.js';
import type { ResidentSignInOptions } from '../routes/resident-sign-in.js';
import type { SecurityAudit } from '../security-audit.js';
import { buildGateway, type GatewayLimits, type GatewayOptions } from '../server.js';
import { type AgencyPki, type ClientIdentity, createAgencyPki } from './tls.js';

/**
 * Test-only: the duplicate store and resident view of one resident, folded in memory by the views'
 * own definitions. The resident lived in Osaka (271004) and moved to Chiyoda (131016); both
 * municipalities published a local-tax income item.
 */
export function seededReadModel(linkageId: string) {
  const moved = anEvent('ResidentRecordChanged', {
    data: { linkageId, sequence: 1, address: { municipalityCode: '271004' } },
  });
  const now = anEvent('ResidentRecordChanged', { data: { linkageId, sequence: 2 } });
  const items = ['271004', '131016'].map((provider) =>
    anEvent('InformationItemPublished', { data: { linkageId, provider } }),
  );
  return memoryReadModel([moved, now, ...items]);
}

export interface TestGateway {
  app: FastifyInstance;
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  kafka: Kafka;
  wire: EventWire;
  logger: Logger;
  pki: AgencyPki;
  trailTopic: string;
  consentsTopic: string;
  residents: ResidentResolver;
  /** The duplicate store and resident records (e.g. `seededReadModel`, or `memoryReadModel`). */
  readModel: InquiryReadModel;
  portalAgencies?: string[];
  isRevoked?: (serial: string) => boolean;
  residentSessions?: SessionTokens;
  residentSignIn?: ResidentSignInOptions;
  securityAudit?: SecurityAudit;
  limits?: Partial<GatewayLimits>;
  trailTimeoutMs?: number;
  /** Default true: keep the consent view current from the consents topic (needs a reachable broker). */
  follow?: boolean;
  /** The resident side: sign-out, budgets, the trail log's proof routes, history, the page. */
  resident?: Pick<
    GatewayOptions,
    'sessionRevocations' | 'residentBudgets' | 'trailLog' | 'residentHistory' | 'residentPage'
  >;
}

/**
 * Test-only, and the one way tests start a gateway: wired as gateway/main.ts wires it — bundled
 * legal-basis table, the trail and consents on the given (real) Kafka topics, consent commands over
 * the consents topic, the broker in /readyz — over TLS on a free loopback port. The residents and the
 * duplicate store come from the test; `close` stops the gateway and the clients it made.
 */
export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const { kafka, wire, logger, pki } = options;
  const store = createEventStore({
    kafka,
    wire,
    topicPrefix: '',
    topicNames: { 'access-trail': options.trailTopic, consents: options.consentsTopic },
    logger,
    ...(options.trailTimeoutMs ? { requestTimeoutMs: options.trailTimeoutMs } : {}),
  });
  const view = memoryView(consentsView);
  const following =
    options.follow === false
      ? undefined
      : await followInMemory(store, view, CONSUMER_GROUPS.gatewayConsents.prefix);
  const recorder = createDisclosureRecorder({
    store,
    logger,
    ...(options.trailTimeoutMs ? { timeoutMs: options.trailTimeoutMs } : {}),
  });
  const consentCommands = createConsentCommands({ view, store, clock: systemClock, ids: randomUUID });
  const app = await buildGateway({
    tls: { cert: pki.server.cert, key: pki.server.key, agencyCa: pki.caPem },
    logger,
    clock: systemClock,
    metrics: createGatewayMetrics(),
    limits: { ratePerMinute: 10_000, bodyLimitBytes: 16_384, ...options.limits },
    clients: {
      trail: recorder,
      consentCommands,
      residents: options.residents,
      broker: kafkaReadiness(kafka, [options.trailTopic, options.consentsTopic]),
      securityAudit: options.securityAudit,
    },
    readModels: {
      policy: await createPolicyStore({ path: BUNDLED_POLICY_PATH, logger }),
      inquiries: options.readModel,
      consents: { consentsOf: (linkageId) => consentsOf(view, linkageId) },
      isRevoked: options.isRevoked ?? (() => false),
    },
    portalAgencies: options.portalAgencies ?? ['resident-portal'],
    residentSignIn: options.residentSignIn,
    residentSessions: options.residentSessions,
    ...options.resident,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  return {
    app,
    port,
    url: `https://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await Promise.allSettled([recorder.close(), following?.stop()]);
      await store.close();
    },
  };
}

/** Test-only: a plain-HTTP fastify instance with the gateway's zod compilers and error handler, for one plugin. */
export function pluginTestApp(): FastifyInstance {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  return app;
}

/** Every disclosure record on a trail topic so far. */
export async function trailRecords(
  kafka: Kafka,
  wire: EventWire,
  topic: string,
): Promise<DisclosureRecorded[]> {
  const messages = await readTopic(kafka, topic);
  return Promise.all(
    messages.flatMap((m) => (m.value ? [wire.decode(m.value) as Promise<DisclosureRecorded>] : [])),
  );
}

/** PEM files of test identities, for tools that read files (openssl, libssl clients); a temp dir. */
export function pemFiles(identities: Record<string, ClientIdentity | { cert: string; key?: string }>): {
  dir: string;
  files: Record<string, { cert: string; key: string }>;
} {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagi-tls-'));
  const files: Record<string, { cert: string; key: string }> = {};
  for (const [name, identity] of Object.entries(identities)) {
    const cert = join(dir, `${name}.crt`);
    const key = join(dir, `${name}.key.pem`);
    writeFileSync(cert, identity.cert);
    if (identity.key) writeFileSync(key, identity.key, { mode: 0o600 });
    files[name] = { cert, key };
  }
  return { dir, files };
}

export interface GatewayFixture extends TestGateway {
  kafka: Kafka;
  wire: EventWire;
  pki: AgencyPki;
  hub: TestHub;
  linkageId: LinkageId;
  trailTopic: string;
}

/**
 * Test-only: everything one gateway test file needs on the real Kafka: its own trail and consents
 * topics, an agency PKI, an identity hub, a seeded resident and the gateway; `close` removes it all.
 */
export async function gatewayFixture(
  name: string,
  options: Pick<TestGatewayOptions, 'limits' | 'securityAudit'> = {},
): Promise<GatewayFixture> {
  const config = testConfig();
  const kafka = testKafka(config);
  const wire = createEventWire(config);
  const admin = kafka.admin();
  await admin.connect();
  const trailTopic = await createTestTopic(admin, `${name}-trail`, 1);
  const consentsTopic = await createTestTopic(admin, `${name}-consents`, 1);
  const pki = await createAgencyPki();
  const hub = createTestHub();
  const linkageId = newLinkageId();
  const gateway = await startTestGateway({
    kafka,
    wire,
    logger: testLogger(),
    pki,
    residents: hub.codes,
    readModel: seededReadModel(linkageId),
    trailTopic,
    consentsTopic,
    ...options,
  });
  return {
    ...gateway,
    kafka,
    wire,
    pki,
    hub,
    linkageId,
    trailTopic,
    async close() {
      await gateway.close();
      await hub.close();
      await admin.deleteTopics({ topics: [trailTopic, consentsTopic] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** Test-only: a TLS 1.2 connection (the version that has renegotiation) with a client certificate. */
export function tls12Connection(port: number, caPem: string, client: ClientIdentity): TLSSocket {
  const socket = connect({
    host: '127.0.0.1',
    port,
    ca: caPem,
    cert: client.cert,
    key: client.key,
    maxVersion: 'TLSv1.2',
    checkServerIdentity: () => undefined,
  });
  socket.on('error', () => undefined);
  return socket;
}
