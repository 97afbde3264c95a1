import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import { newLinkageId } from '../identity/linkage-id.js';
import { createTestHub, type TestHub } from '../identity/testing/hub.js';
import type { InfraConfig } from '../platform/config.js';
import type { EventStore } from '../platform/event-store.js';
import { createEventWire, type EventWire } from '../platform/event-wire.js';
import type { SecurityEventRecorded } from '../schemas/events.js';
import { Topics, topicName } from '../schemas/topics.js';
import { testKafka, testLogger, testStore } from '../tests/support/infra.js';
import { readTopic, type TopicRecord } from '../tests/support/read-topic.js';
import { isolatedTopics } from '../tests/support/topics.js';
import { createGatewayMetrics } from './metrics.js';
import { createSecurityAudit, type SecurityAudit } from './security-audit.js';
import { kafkaSecurityEventLog } from './security-event-log.js';
import { SECURITY_HEADERS } from './security-headers.js';
import {
  seededReadModel,
  startTestGateway,
  type TestGateway,
  tls12Connection,
  trailRecords,
} from './testing/test-gateway.js';
import {
  type AgencyPki,
  type ClientIdentity,
  call,
  createAgencyPki,
  type HttpAnswer,
} from './testing/tls.js';

const logger = testLogger();
const LINKAGE = newLinkageId();
const MY_NUMBER = '123456789018';

describe('refusals before the trail leave a security record, and every answer is hardened', () => {
  let config: InfraConfig;
  let wire: EventWire;
  let kafka: ReturnType<typeof testKafka>;
  let pki: AgencyPki;
  let hub: TestHub;
  let audit: SecurityAudit;
  let gateway: TestGateway;
  let strict: TestGateway;
  let chiyoda: ClientIdentity;
  let chiyodaCode: string;
  let otherCode: string;
  let ppid: string;
  const secrets: string[] = [];
  const answers: Array<HttpAnswer & { url: string }> = [];
  let messages: TopicRecord[] = [];
  let auditStore: EventStore;
  let events: SecurityEventRecorded[] = [];

  beforeAll(async () => {
    config = await isolatedTopics('sec-audit');
    kafka = testKafka(config);
    wire = createEventWire(config);
    auditStore = testStore(config);
    pki = await createAgencyPki();
    chiyoda = await pki.issue('131016');
    hub = createTestHub();
    chiyodaCode = await hub.codes.issueAgencyCode('131016', LINKAGE);
    otherCode = await hub.codes.issueAgencyCode('271004', LINKAGE);
    ppid = await hub.codes.ppidFor('tsubame-bank', LINKAGE);
    secrets.push(LINKAGE, chiyodaCode, otherCode, ppid, MY_NUMBER, '127.0.0.1');
    const metrics = createGatewayMetrics();
    audit = createSecurityAudit({
      log: kafkaSecurityEventLog({ store: auditStore }),
      clock: systemClock,
      ids: randomUUID,
      logger,
      addressKey: randomBytes(32),
      metrics: { recorded: metrics.securityEvents, dropped: metrics.securityEventsDropped },
      lingerMs: 20,
    });
    const common = {
      kafka,
      wire,
      logger,
      pki,
      residents: hub.codes,
      readModel: seededReadModel(LINKAGE),
      trailTopic: topicName(config.TOPIC_PREFIX, Topics.accessTrail),
      consentsTopic: topicName(config.TOPIC_PREFIX, Topics.consents),
    };
    gateway = await startTestGateway({
      ...common,
      securityAudit: audit,
      limits: { connectionLimits: { headersTimeoutMs: 1_000, requestTimeoutMs: 3_000 } },
    });
    strict = await startTestGateway({
      ...common,
      securityAudit: audit,
      limits: { ratePerMinute: 2, unauthenticatedRatePerMinute: 2 },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await strict?.close();
    await audit?.close();
    await auditStore?.close();
    await hub?.close();
  });

  const ask = async (
    url: string,
    options: Omit<Parameters<typeof call>[1], 'ca'> = {},
  ): Promise<HttpAnswer> => {
    const answer = await call(url, { ca: pki.caPem, ...options });
    answers.push({ ...answer, url });
    return answer;
  };
  const inquiry = (agencyCode: string, officeWork = 'child-allowance-eligibility') => ({
    agencyCode,
    officeWork,
    items: ['LOCAL_TAX_INCOME'],
  });
  const find = (match: Partial<SecurityEventRecorded['data']>) =>
    events.filter((e) => Object.entries(match).every(([k, v]) => e.data[k as keyof typeof match] === v));

  it('refuses each kind of bad request with its 4xx', async () => {
    const g = gateway.url;
    // 401: no certificate, an expired agency certificate, a self-signed one; a PPID in the URL.
    expect((await ask(`${g}/v1/inquiries`, { body: inquiry(chiyodaCode) })).status).toBe(401);
    const expired = await pki.issue('131016', { expired: true });
    expect((await ask(`${g}/v1/inquiries`, { body: inquiry(chiyodaCode), client: expired })).status).toBe(
      401,
    );
    const selfSigned = await pki.issue('jps', { selfSigned: true });
    expect((await ask(`${g}/v1/residents/${ppid}/consents`, { client: selfSigned })).status).toBe(401);
    // 400: a field holding a My Number; a body that is not JSON.
    const bad = await ask(`${g}/v1/inquiries`, { body: inquiry(chiyodaCode, MY_NUMBER), client: chiyoda });
    expect(bad.body).toMatchObject({ code: 'INPUT_INVALID', path: 'body.officeWork' });
    expect(bad.text).not.toContain(MY_NUMBER);
    const notJson = await ask(`${g}/v1/inquiries`, {
      raw: { contentType: 'application/json', bytes: `{"agencyCode": ${MY_NUMBER}x` },
      client: chiyoda,
    });
    expect(notJson.status).toBe(400);
    expect(notJson.text).not.toContain(MY_NUMBER);
    // 404: another agency's code (unknown to this agency); a URL that matches no route.
    const unknown = await ask(`${g}/v1/inquiries`, { body: inquiry(otherCode), client: chiyoda });
    expect(unknown.body).toMatchObject({ code: 'IDENTITY_UNKNOWN', path: 'agencyCode' });
    expect((await ask(`${g}/v1/nowhere/${ppid}`, { client: chiyoda })).status).toBe(404);
    // 413 and 415.
    const large = await ask(`${g}/v1/inquiries`, {
      raw: { contentType: 'application/json', bytes: JSON.stringify({ pad: 'x'.repeat(20_000) }) },
      client: chiyoda,
    });
    expect(large.status).toBe(413);
    const utf16 = await ask(`${g}/v1/inquiries`, {
      raw: {
        contentType: 'application/json; charset=utf-16',
        bytes: Buffer.from(JSON.stringify(inquiry(chiyodaCode)), 'utf16le'),
      },
      client: chiyoda,
    });
    expect(utf16.status).toBe(415);
    expect(utf16.body).toEqual({
      code: 'MEDIA_TYPE_UNSUPPORTED',
      message: 'a JSON body must be UTF-8: send no charset or charset=utf-8',
      path: 'headers.content-type',
    });
    // Declared as UTF-16 but ASCII bytes, which a UTF-8 decoder would accept: refused all the same.
    const declared = await ask(`${g}/v1/inquiries`, {
      raw: { contentType: 'application/json;charset="UTF-16"', bytes: JSON.stringify(inquiry(chiyodaCode)) },
      client: chiyoda,
    });
    expect(declared.status).toBe(415);
    const text = await ask(`${g}/v1/inquiries`, {
      raw: { contentType: 'text/plain', bytes: 'hello' },
      client: chiyoda,
    });
    expect(text.body).toMatchObject({ code: 'MEDIA_TYPE_UNSUPPORTED', path: 'headers.content-type' });
    // Allowed and trail-recorded answers are not security events.
    expect((await ask(`${g}/v1/inquiries`, { body: inquiry(chiyodaCode), client: chiyoda })).status).toBe(
      200,
    );
    expect(
      (
        await ask(`${g}/v1/inquiries`, {
          body: inquiry(chiyodaCode, 'vehicle-registration'),
          client: chiyoda,
        })
      ).status,
    ).toBe(403);
    const recorded = await trailRecords(kafka, wire, topicName(config.TOPIC_PREFIX, Topics.accessTrail));
    expect(recorded.map((r) => r.data.outcome)).toEqual(['DISCLOSED', 'REFUSED']);
    // The API document is JSON like any answer; Swagger UI's page keeps its own script policy.
    expect((await ask(`${g}/docs/json`)).status).toBe(200);
    const page = await call(`${g}/docs/`, { ca: pki.caPem });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('rate limits an agency by its id and everyone else by address, before the 401; probes never', async () => {
    const s = strict.url;
    const statuses = async (n: number, path: string, client?: ClientIdentity) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await ask(`${s}${path}`, client ? { client } : {})).status);
      return out;
    };
    expect(await statuses(4, '/v1/residents/x/consents', chiyoda)).toEqual([404, 404, 429, 429]);
    // No certificate: two 401s within the address budget, then 429 before any 401.
    expect(await statuses(3, '/v1/inquiries')).toEqual([401, 401, 429]);
    expect(await statuses(2, '/metrics')).toEqual([429, 429]);
    expect(await statuses(10, '/healthz')).toEqual(Array(10).fill(200));
    expect(await statuses(3, '/readyz')).toEqual([200, 200, 200]);
    for (const limited of answers.filter((a) => a.status === 429))
      expect(limited.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('closes renegotiating and slow connections', async () => {
    const socket = tls12Connection(gateway.port, pki.caPem, chiyoda);
    await once(socket, 'secureConnect');
    socket.renegotiate({ rejectUnauthorized: true }, () => undefined);
    await once(socket, 'close');
    const slow = connect({
      host: '127.0.0.1',
      port: gateway.port,
      ca: pki.caPem,
      checkServerIdentity: () => undefined,
    });
    slow.on('error', () => undefined);
    slow.resume(); // read the 408, so that the close that follows it is seen
    await once(slow, 'close');
  });

  it('puts the security headers on every answer', () => {
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200, 400, 401, 403, 404, 413, 415, 429]));
    // Swagger UI's routes carry its own script policy (tested above); every other answer ours.
    for (const answer of answers)
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        if (name !== 'content-security-policy' || !answer.url.includes('/docs'))
          expect(answer.headers[name], `${name} on a ${answer.status}`).toBe(value);
  });

  it('records each refusal on the security-audit topic with its kind, route, code and reason', async () => {
    await audit.flush();
    messages = await readTopic(kafka, topicName(config.TOPIC_PREFIX, Topics.securityAudit));
    events = await Promise.all(
      messages.map((m) => wire.decode(m.value as Buffer) as Promise<SecurityEventRecorded>),
    );
    const fingerprint = (e: SecurityEventRecorded | undefined) => e?.data.certificateSha256?.length ?? 0;

    // One POST /v1/inquiries on the first gateway, two GET /v1/inquiries (no such route) on the strict one.
    expect(
      find({ kind: 'AUTHENTICATION_REFUSED', reason: 'CERTIFICATE_MISSING', route: '/v1/inquiries' }),
    ).toHaveLength(1);
    expect(
      find({ kind: 'AUTHENTICATION_REFUSED', reason: 'CERTIFICATE_MISSING', route: 'unmatched' }),
    ).toHaveLength(2);
    const [expired] = find({ reason: 'CERTIFICATE_EXPIRED' });
    expect(expired?.data).toMatchObject({
      status: 401,
      errorCode: 'UNAUTHENTICATED',
      method: 'POST',
      agencyId: null,
    });
    expect(fingerprint(expired)).toBe(32);
    const [untrusted] = find({ reason: 'CERTIFICATE_UNTRUSTED' });
    expect(untrusted?.data).toMatchObject({
      route: '/v1/residents/:ppid/consents',
      method: 'GET',
      certificateSha256: null,
    });
    expect(find({ kind: 'MALFORMED_REQUEST', reason: 'body.officeWork' })[0]?.data).toMatchObject({
      status: 400,
      errorCode: 'INPUT_INVALID',
      agencyId: '131016',
    });
    expect(find({ reason: 'FST_ERR_CTP_INVALID_JSON_BODY' })).toHaveLength(1);
    expect(
      find({ kind: 'IDENTITY_UNKNOWN', reason: 'agencyCode', status: 404, agencyId: '131016' }),
    ).toHaveLength(1);
    expect(
      find({ kind: 'MALFORMED_REQUEST', route: 'unmatched', reason: 'NO_SUCH_ROUTE', status: 404 }),
    ).toHaveLength(1);
    expect(find({ status: 413, reason: 'FST_ERR_CTP_BODY_TOO_LARGE' })).toHaveLength(1);
    expect(find({ status: 415, errorCode: 'MEDIA_TYPE_UNSUPPORTED' })).toHaveLength(3);
    // One record per client and window, however many requests the limit refused.
    expect(
      find({ kind: 'RATE_LIMITED', reason: 'AGENCY_BUDGET_EXCEEDED', agencyId: '131016', status: 429 }),
    ).toHaveLength(1);
    expect(find({ kind: 'RATE_LIMITED', reason: 'ADDRESS_BUDGET_EXCEEDED', agencyId: null })).toHaveLength(1);
    const [renegotiation] = find({ kind: 'RENEGOTIATION_REFUSED' });
    expect(renegotiation?.data).toMatchObject({
      agencyId: '131016',
      route: null,
      status: null,
      errorCode: null,
    });
    expect(fingerprint(renegotiation)).toBe(32);
    expect(find({ kind: 'CLIENT_TIMED_OUT', status: 408, errorCode: 'REQUEST_TIMEOUT' })).toHaveLength(1);
    expect(events.filter((e) => e.data.status === 200 || e.data.status === 403)).toEqual([]);
    for (const event of events) expect(event.data.clientAddressHash?.length).toBe(16);
  });

  it('holds no PPID, agency code, linkage id, My Number or client address', () => {
    expect(messages.length).toBeGreaterThan(10);
    const raw = messages
      .map((m) =>
        [m.key, m.value, ...Object.values(m.headers ?? {}).flat()]
          .map((b) => (b ?? '').toString('latin1'))
          .join('|'),
      )
      .join('\n');
    for (const secret of secrets) expect(raw).not.toContain(secret);
    expect(JSON.stringify(events.map((e) => e.data))).not.toMatch(/\d{12}/);
  });
});
