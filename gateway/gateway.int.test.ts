import { createHash, randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { Admin, Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../core/canonical-json.js';
import { newLinkageId } from '../identity/linkage-id.js';
import { createTestHub, type TestHub } from '../identity/testing/hub.js';
import { createEventWire } from '../platform/event-wire.js';
import { createKafka } from '../platform/kafka.js';
import type { DisclosureRecorded } from '../schemas/events.js';
import { createTestTopic, quietLogger, testConfig, testKafka, testLogger } from '../tests/support/infra.js';
import { seededReadModel, startTestGateway } from './testing/test-gateway.js';
import { type AgencyPki, type ClientIdentity, call, createAgencyPki } from './testing/tls.js';

const config = testConfig();
const kafka = testKafka(config);
const wire = createEventWire(config);
const logger = testLogger();
const LINKAGE = newLinkageId();

describe('gateway over mutual TLS with the trail on real Kafka', () => {
  let admin: Admin;
  let trailTopic: string;
  let consentsTopic: string;
  let pki: AgencyPki;
  let hub: TestHub;
  let app: FastifyInstance;
  let url: string;
  let chiyoda: ClientIdentity;
  let bank: ClientIdentity;
  let portal: ClientIdentity;
  let chiyodaCode: string;
  let bankPpid: string;
  let portalPpid: string;
  let revoked: ClientIdentity;
  const trail: Array<{ partition: number; offset: string; event: DisclosureRecorded }> = [];
  let trailConsumer: Consumer;
  const closers: Array<() => Promise<unknown>> = [];

  const recordsOf = (inquiryId: string) => trail.filter((e) => e.event.envelope.correlationId === inquiryId);
  async function trailFor(inquiryId: string, count: number) {
    const deadline = Date.now() + 60_000;
    while (recordsOf(inquiryId).length < count && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    return recordsOf(inquiryId);
  }
  const quiet = () => new Promise((r) => setTimeout(r, 1_000));
  const post = (path: string, body: unknown, client: ClientIdentity = chiyoda) =>
    call(`${url}${path}`, { body, client, ca: pki.caPem });

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    trailTopic = await createTestTopic(admin, 'gw-trail', 3);
    consentsTopic = await createTestTopic(admin, 'gw-consents', 3);
    pki = await createAgencyPki();
    [chiyoda, bank, revoked, portal] = await Promise.all([
      pki.issue('131016'),
      pki.issue('tsubame-bank'),
      pki.issue('jps'),
      pki.issue('resident-portal'),
    ]);
    hub = createTestHub();
    chiyodaCode = await hub.codes.issueAgencyCode('131016', LINKAGE);
    bankPpid = await hub.codes.ppidFor('tsubame-bank', LINKAGE);
    portalPpid = await hub.codes.ppidFor('resident-portal', LINKAGE);

    trailConsumer = kafka.consumer({ groupId: `gw-trail-${randomUUID()}` });
    await trailConsumer.connect();
    await trailConsumer.subscribe({ topic: trailTopic, fromBeginning: true });
    await trailConsumer.run({
      eachMessage: async ({ partition, message }) => {
        if (message.value)
          trail.push({
            partition,
            offset: message.offset,
            event: (await wire.decode(message.value)) as DisclosureRecorded,
          });
      },
    });

    closers.push(() => trailConsumer.disconnect());
    const revokedSerials = new Set([revoked.serial]);
    const gateway = await startTestGateway({
      kafka,
      wire,
      logger,
      pki,
      trailTopic,
      consentsTopic,
      residents: hub.codes,
      readModel: seededReadModel(LINKAGE),
      isRevoked: (serial) => revokedSerials.has(serial),
    });
    closers.unshift(() => gateway.close());
    ({ app, url } = gateway);
  });

  afterAll(async () => {
    await app?.close();
    for (const close of closers) await close().catch(() => undefined);
    await hub?.close();
    await admin.deleteTopics({ topics: [trailTopic, consentsTopic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('allows an inquiry under the legal basis, answering only after the trail acknowledged it', async () => {
    const answer = await post('/v1/inquiries', {
      agencyCode: chiyodaCode,
      officeWork: 'child-allowance-eligibility',
      items: ['LOCAL_TAX_INCOME'],
    });
    expect(answer.status).toBe(200);
    const [item] = answer.body.items;
    expect(item).toMatchObject({
      itemKind: 'LOCAL_TAX_INCOME',
      provider: '271004',
      outcome: 'DISCLOSED',
      legalBasisRowId: 'LB-0001',
    });
    expect(item.data).toMatchObject({ fiscalYear: 2024, municipalTax: '182400' });
    const digest = createHash('sha256').update(canonicalJson(item.data)).digest('hex');
    expect(item.digest).toBe(digest);

    const [record] = await trailFor(answer.body.inquiryId, 1);
    expect({ partition: record?.partition, offset: record?.offset }).toEqual({
      partition: item.trail.partition,
      offset: item.trail.offset,
    });
    expect(item.trail.topic).toBe(trailTopic);
    expect(record?.event.data).toMatchObject({
      linkageId: LINKAGE,
      requester: '131016',
      outcome: 'DISCLOSED',
      channel: 'INQUIRY',
      nonDisclosureUntil: null,
    });
    expect(Buffer.from(record?.event.data.disclosedDigest ?? []).toString('hex')).toBe(digest);
    expect(answer.text).not.toContain(LINKAGE);
  });

  it('refuses without a legal basis and records the refusal', async () => {
    const answer = await post('/v1/inquiries', {
      agencyCode: chiyodaCode,
      officeWork: 'vehicle-registration',
      items: ['ADDRESS'],
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'FORBIDDEN', reason: 'NO_LEGAL_BASIS', path: '/v1/inquiries' });
    const [record] = await trailFor(answer.body.inquiryId, 1);
    expect(record?.event.data).toMatchObject({
      outcome: 'REFUSED',
      refusalReason: 'NO_LEGAL_BASIS',
      disclosedDigest: null,
    });
  });

  it('refuses under an expired legal-basis row, naming the row', async () => {
    const answer = await post('/v1/inquiries', {
      agencyCode: chiyodaCode,
      officeWork: 'temporary-child-rearing-household-benefit',
      items: ['LOCAL_TAX_INCOME'],
      provider: '271004',
    });
    expect(answer.status).toBe(403);
    expect(answer.body.reason).toBe('BASIS_EXPIRED');
    const [record] = await trailFor(answer.body.inquiryId, 1);
    expect(record?.event.data).toMatchObject({ outcome: 'REFUSED', legalBasisRowId: 'LB-0012' });
  });

  it('answers 404 when the provider holds nothing, and records NOT_FOUND', async () => {
    const answer = await post('/v1/inquiries', {
      agencyCode: chiyodaCode,
      officeWork: 'public-assistance',
      items: ['PENSION_BENEFIT_AMOUNT'],
    });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({
      code: 'NOT_FOUND',
      items: [{ outcome: 'NOT_FOUND', provider: 'jps' }],
    });
    const [record] = await trailFor(answer.body.inquiryId, 1);
    expect(record?.event.data).toMatchObject({
      outcome: 'NOT_FOUND',
      provider: 'jps',
      legalBasisRowId: 'LB-0005',
    });
  });

  it('carries the non-disclosure date of the row into the trail', async () => {
    const answer = await post('/v1/inquiries', {
      agencyCode: chiyodaCode,
      officeWork: 'public-assistance-investigation',
      items: ['LOCAL_TAX_INCOME'],
      provider: '131016',
    });
    expect(answer.status).toBe(200);
    const [record] = await trailFor(answer.body.inquiryId, 1);
    expect(record?.event.data.nonDisclosureUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(answer.body.items[0].nonDisclosureUntil).toBe(record?.event.data.nonDisclosureUntil);
  });

  it('answers self-information only under an active consent: refused, granted, then revoked', async () => {
    const ask = () =>
      post(
        '/v1/self-information',
        { ppid: bankPpid, purpose: 'housing-loan-screening', items: ['LOCAL_TAX_CERTIFICATE'] },
        bank,
      );
    const before = await ask();
    expect(before.status).toBe(403);
    expect(before.body.reason).toBe('CONSENT_REQUIRED');
    expect((await trailFor(before.body.inquiryId, 1))[0]?.event.data).toMatchObject({
      outcome: 'REFUSED',
      channel: 'SELF_INFORMATION',
      requester: 'tsubame-bank',
    });

    // Recorded by the resident portal acting for the resident (a service cannot record its own).
    const granted = await post(
      `/v1/residents/${portalPpid}/consents`,
      {
        recipient: 'tsubame-bank',
        purpose: 'housing-loan-screening',
        items: ['LOCAL_TAX_CERTIFICATE'],
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validUntil: new Date(Date.now() + 86_400_000).toISOString(),
        maxUses: null,
      },
      portal,
    );
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ status: 'ACTIVE', recipient: 'tsubame-bank' });

    const during = await ask();
    expect(during.status).toBe(200);
    expect((await trailFor(during.body.inquiryId, 1))[0]?.event.data).toMatchObject({
      outcome: 'DISCLOSED',
      channel: 'SELF_INFORMATION',
      legalBasisRowId: 'LB-0019',
    });

    const list = await call(`${url}/v1/residents/${bankPpid}/consents`, { client: bank, ca: pki.caPem });
    expect(list.body.consents.map((c: { consentId: string }) => c.consentId)).toEqual([
      granted.body.consentId,
    ]);
    const revokedConsent = await post(
      `/v1/residents/${bankPpid}/consents/${granted.body.consentId}/revoke`,
      {},
      bank,
    );
    expect(revokedConsent.body).toMatchObject({ status: 'REVOKED', revocationReason: 'RESIDENT_REQUEST' });

    const after = await ask();
    expect(after.status).toBe(403);
    expect(after.body.reason).toBe('CONSENT_NOT_COVERING');
    expect((await trailFor(after.body.inquiryId, 1))[0]?.event.data).toMatchObject({
      refusalReason: 'CONSENT_NOT_COVERING',
      refusalDetail: 'CONSENT_REVOKED',
    });
  });

  it.each([
    ['no certificate', undefined, 'CERTIFICATE_MISSING'],
    ['a revoked certificate', 'revoked', 'CERTIFICATE_REVOKED'],
    ['a certificate from an unknown CA', 'unknown-ca', 'CERTIFICATE_UNTRUSTED'],
    ['an expired certificate', 'expired', 'CERTIFICATE_EXPIRED'],
  ] as const)('refuses %s with 401 and records nothing', async (_name, kind, reason) => {
    const client =
      kind === 'revoked'
        ? revoked
        : kind === 'unknown-ca'
          ? await pki.issue('131016', { byUnknownCa: true })
          : kind === 'expired'
            ? await pki.issue('131016', { expired: true })
            : undefined;
    const before = trail.length;
    const answer = await call(`${url}/v1/inquiries`, {
      body: {
        agencyCode: chiyodaCode,
        officeWork: 'child-allowance-eligibility',
        items: ['LOCAL_TAX_INCOME'],
      },
      ca: pki.caPem,
      ...(client ? { client } : {}),
    });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({
      code: 'UNAUTHENTICATED',
      message: `client certificate refused: ${reason}`,
      path: '/v1/inquiries',
      reason,
    });
    await quiet();
    expect(trail.length).toBe(before);
  });

  it('answers 400 naming the field for a malformed body, and 404 for an unknown agency code', async () => {
    const bad = await post('/v1/inquiries', {
      agencyCode: chiyodaCode,
      officeWork: 'Child Allowance',
      items: ['LOCAL_TAX_INCOME'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INPUT_INVALID', path: 'body.officeWork' });
    const unknown = await post('/v1/inquiries', {
      agencyCode: await hub.codes.issueAgencyCode('271004', LINKAGE),
      officeWork: 'child-allowance-eligibility',
      items: ['LOCAL_TAX_INCOME'],
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'IDENTITY_UNKNOWN', path: 'agencyCode' });
  });

  it('serves the OpenAPI document, health and metrics', async () => {
    const openapi = await call(`${url}/docs/json`, { ca: pki.caPem });
    expect(openapi.status).toBe(200);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining(['/v1/inquiries', '/v1/self-information', '/v1/residents/{ppid}/consents']),
    );
    expect(
      openapi.body.paths['/v1/inquiries'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(expect.arrayContaining(['agencyCode', 'officeWork', 'items']));
    expect((await call(`${url}/healthz`, { ca: pki.caPem })).body).toEqual({ status: 'ok' });
    const metrics = await call(`${url}/metrics`, { ca: pki.caPem });
    expect(metrics.text).toContain(
      'tsunagi_gateway_disclosures_total{channel="INQUIRY",outcome="DISCLOSED"}',
    );
    expect(metrics.text).not.toContain(LINKAGE);
  });

  // A quick local measurement for docs/gateway.md (figures, not assertions): GATEWAY_MEASURE=1.
  it.runIf(process.env.GATEWAY_MEASURE === '1')('measures inquiry throughput and latency', async () => {
    const total = 400;
    const concurrency = 20;
    const keepAlive = process.env.GATEWAY_MEASURE_KEEPALIVE === '1';
    const agent = new Agent({
      keepAlive: true,
      maxSockets: concurrency,
      ca: pki.caPem,
      cert: chiyoda.cert,
      key: chiyoda.key,
      checkServerIdentity: () => undefined,
    });
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          next++;
          const t0 = performance.now();
          const body = {
            agencyCode: chiyodaCode,
            officeWork: 'child-allowance-eligibility',
            items: ['LOCAL_TAX_INCOME'],
          };
          const answer = await call(`${url}/v1/inquiries`, {
            body,
            client: chiyoda,
            ca: pki.caPem,
            ...(keepAlive ? { agent } : {}),
          });
          latencies.push(performance.now() - t0);
          expect(answer.status).toBe(200);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]?.toFixed(1);
    console.log(
      `inquiries: ${total} at concurrency ${concurrency} in ${seconds.toFixed(2)} s = ${(total / seconds).toFixed(0)}/s; ` +
        `latency p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms (${keepAlive ? 'keep-alive connections' : 'new TLS connection per request'})`,
    );
    agent.destroy();
  });

  it('answers 503 and discloses nothing when the trail broker does not answer', async () => {
    // The broker is not there on purpose: this gateway and its client log nothing (quietLogger).
    const nowhere = createKafka({ ...config, kafkaBrokers: ['127.0.0.1:1'] }, quietLogger(), {
      principal: 'gateway',
      connectionTimeout: 300,
    });
    const broken = await startTestGateway({
      kafka: nowhere,
      wire,
      logger: quietLogger(),
      pki,
      trailTopic,
      consentsTopic,
      residents: hub.codes,
      readModel: seededReadModel(LINKAGE),
      portalAgencies: [],
      trailTimeoutMs: 1_500,
      follow: false,
    });
    try {
      const before = trail.length;
      const answer = await call(`${broken.url}/v1/inquiries`, {
        body: {
          agencyCode: chiyodaCode,
          officeWork: 'child-allowance-eligibility',
          items: ['LOCAL_TAX_INCOME'],
        },
        client: chiyoda,
        ca: pki.caPem,
      });
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ code: 'TRAIL_UNAVAILABLE' });
      expect(answer.body.correlationId).toEqual(expect.any(String));
      expect(answer.text).not.toContain('182400');
      expect(answer.text).not.toContain('taxableIncome');
      await quiet();
      expect(trail.length).toBe(before);
    } finally {
      await broken.close();
    }
  });
});
