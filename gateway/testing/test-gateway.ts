import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import { type LinkageId, newLinkageId } from '../../identity/linkage-id.js';
import { createTestHub, type TestHub } from '../../identity/testing/hub.js';
import { createEventWire, type EventWire } from '../../platform/event-wire.js';
import type { Logger } from '../../platform/logger.js';
import type { DisclosureRecorded } from '../../schemas/events.js';
import { anEvent } from '../../schemas/testing/events.js';
import { createTestTopic, testConfig, testKafka, testLogger } from '../../tests/support/infra.js';
import { readTopic } from '../../tests/support/read-topic.js';
import { memoryReadModel } from '../read-model.js';
import type { GatewayDeps } from '../server.js';
import { startGatewayOnKafka } from './gateway-on-kafka.js';
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

/**
 * Test-only: a gateway over TLS on a free loopback port, its trail and consents on the given topics
 * of the real Kafka, one seeded resident. `overrides` replace any dependency (limits, audit…).
 */
export async function startTestGateway(options: {
  kafka: Kafka;
  wire: EventWire;
  logger: Logger;
  pki: AgencyPki;
  hub: TestHub;
  linkageId: string;
  trailTopic: string;
  consentsTopic: string;
  overrides?: Partial<GatewayDeps>;
}): Promise<TestGateway> {
  return startGatewayOnKafka({
    ...options,
    residents: options.hub.codes,
    readModel: seededReadModel(options.linkageId),
    overrides: { ratePerMinute: 1_000, ...options.overrides },
  });
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
  overrides: Partial<GatewayDeps> = {},
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
    hub,
    linkageId,
    trailTopic,
    consentsTopic,
    overrides,
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
