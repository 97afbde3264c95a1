import { Agent } from 'node:https';
import fc from 'fast-check';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newLinkageId } from '../identity/linkage-id.js';
import { createTestHub, type TestHub } from '../identity/testing/hub.js';
import { testMyNumber } from '../identity/testing/my-numbers.js';
import { createEventWire } from '../platform/event-wire.js';
import { fuzzRuns } from '../tests/support/fuzz.js';
import { createTestTopic, testConfig, testKafka, testLogger } from '../tests/support/infra.js';
import { seededReadModel, startTestGateway, type TestGateway } from './testing/test-gateway.js';
import { type AgencyPki, type ClientIdentity, call, createAgencyPki } from './testing/tls.js';

/**
 * Seeded fuzzing of every gateway route (issue 16, item 5) over mutual TLS, with the trail and
 * consents on the real Kafka: the paths of the OpenAPI document (and others) with hostile path
 * parameters and query strings, any method, headers (content types, bearer tokens), bodies (random
 * JSON, valid bodies with fields replaced, invalid UTF-8, bytes, oversize), as no client, agencies,
 * the portal and a revoked certificate. Every answer is below 500; every error is the one
 * machine-readable body; no answer quotes a My Number it was sent; the gateway keeps answering.
 */
const config = testConfig();
const kafka = testKafka(config);
const wire = createEventWire(config);
const logger = testLogger();
const LINKAGE = newLinkageId();
const MY_NUMBER = testMyNumber('routes-fuzz');

let admin: Admin;
let topics: string[];
let hub: TestHub;
let pki: AgencyPki;
let gateway: TestGateway;
let operations: Array<{ method: string; path: string }>;
let agencyCode: string;
const clients: Array<{ name: string; identity?: ClientIdentity; agent: Agent }> = [];

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  topics = [await createTestTopic(admin, 'fuzz-trail', 1), await createTestTopic(admin, 'fuzz-consents', 1)];
  pki = await createAgencyPki();
  hub = createTestHub();
  agencyCode = await hub.codes.issueAgencyCode('131016', LINKAGE);
  const identities = {
    chiyoda: await pki.issue('131016'),
    bank: await pki.issue('tsubame-bank'),
    portal: await pki.issue('resident-portal'),
    revoked: await pki.issue('jps'),
  };
  gateway = await startTestGateway({
    kafka,
    wire,
    logger,
    pki,
    trailTopic: topics[0] as string,
    consentsTopic: topics[1] as string,
    residents: hub.codes,
    readModel: seededReadModel(LINKAGE),
    isRevoked: (serial) => serial === identities.revoked.serial,
    limits: { ratePerMinute: 1_000_000, unauthenticatedRatePerMinute: 1_000_000 },
  });
  clients.push({ name: 'no certificate', agent: new Agent({ keepAlive: true, maxSockets: 1 }) });
  for (const [name, identity] of Object.entries(identities))
    clients.push({
      name,
      identity,
      agent: new Agent({ keepAlive: true, maxSockets: 1, cert: identity.cert, key: identity.key }),
    });
  const doc = await call(`${gateway.url}/docs/json`, { ca: pki.caPem });
  operations = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(
    ([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
  );
  expect(operations).toContainEqual({ method: 'POST', path: '/v1/inquiries' });
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.agent.destroy();
  await gateway?.close();
  await hub?.close();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
});

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('..', '../..', '%00', '%2e%2e%2f', '%ff', MY_NUMBER, '-1', '1e309', 'null', '<script>', ''),
);
const headerValue = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
});
const validInquiry = () => ({
  agencyCode,
  officeWork: 'child-allowance-eligibility',
  items: ['LOCAL_TAX_INCOME'],
});
const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({ json: value })),
  fc
    .record({
      field: fc.constantFrom('agencyCode', 'officeWork', 'items', 'purpose', 'consentId', 'myNumber'),
      value: fc.jsonValue({ maxDepth: 2 }),
    })
    .map(({ field, value }) => ({ json: { ...validInquiry(), [field]: value } })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ raw: Buffer.from(bytes) })),
  fc.constant({ raw: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]) }), // {"a":"\xc3("}
  fc.nat(40_000).map((n) => ({ json: { myNumber: MY_NUMBER, pad: 'x'.repeat(n) } })),
);
const request = fc.record({
  client: fc.nat(),
  // Mostly the documented method of the operation; sometimes any other.
  method: fc.option(fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'), {
    freq: 4,
    nil: undefined,
  }),
  path: fc.oneof(
    { weight: 4, arbitrary: fc.nat() },
    { weight: 1, arbitrary: fc.array(text, { minLength: 1, maxLength: 4 }) },
  ),
  params: fc.array(text, { minLength: 4, maxLength: 4 }),
  query: fc.option(fc.dictionary(fc.constantFrom('index', 'size1', 'limit', 'x', 'ppid'), text), {
    nil: undefined,
  }),
  contentType: fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=shift_jis',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
  ),
  authorization: fc.option(
    fc.oneof(
      headerValue,
      headerValue.map((t) => `Bearer ${t}`),
    ),
    { nil: undefined },
  ),
  body,
});
type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

function target(r: FuzzRequest): { method: string; url: string } {
  const query = r.query ? `?${new URLSearchParams(r.query).toString()}` : '';
  if (typeof r.path !== 'number')
    return {
      method: r.method ?? 'GET',
      url: `${gateway.url}/${r.path.map(encodeURIComponent).join('/')}${query}`,
    };
  const operation = operations[r.path % operations.length] as (typeof operations)[number];
  let n = 0;
  const path = operation.path.replace(/\{[^}]+\}|\*/g, () =>
    encodeURIComponent(r.params[n++ % r.params.length] ?? ''),
  );
  return { method: r.method ?? operation.method, url: `${gateway.url}${path}${query}` };
}

describe('every gateway route, fuzzed', () => {
  it('answers below 500 with the one error body, quoting no My Number, and keeps answering', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const client = clients[r.client % clients.length] as (typeof clients)[number];
        const bytes =
          r.body === undefined
            ? undefined
            : 'raw' in r.body
              ? r.body.raw
              : Buffer.from(JSON.stringify(r.body.json));
        const { method, url } = target(r);
        const answer = await call(url, {
          method,
          ca: pki.caPem,
          agent: client.agent,
          ...(client.identity ? { client: client.identity } : {}),
          ...(bytes && method !== 'GET' && method !== 'HEAD'
            ? { raw: { contentType: r.contentType, bytes } }
            : {}),
          ...(r.authorization === undefined ? {} : { headers: { authorization: r.authorization } }),
        });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expect(answer.status).toBeLessThan(500);
        expect(answer.text).not.toContain(MY_NUMBER);
        if (answer.status >= 400 && method !== 'HEAD') {
          expect(answer.headers['content-type']).toMatch(/^application\/json/);
          expect(answer.body.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
          expect(typeof answer.body.message).toBe('string');
        }
      }),
      fuzzRuns('gateway-routes', 4000, 'gateway/routes.fuzz.int.test.ts'),
    );
    console.log('fuzzed answers by status', Object.fromEntries(statuses));
    const health = await call(`${gateway.url}/healthz`, { ca: pki.caPem });
    expect(health.status).toBe(200);
    // Both kinds of answers were reached: the fuzzing is not just knocking on a closed door.
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThan(3);
  }, 900_000);
});
