import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineGateway } from './testing/offline-gateway.js';
import { createAgencyPki } from './testing/tls.js';

/**
 * The OpenAPI document is the contract agencies build against: every route, how each is
 * authenticated, and the body of every answer, errors included, is in it.
 */
let app: FastifyInstance;
// biome-ignore lint/suspicious/noExplicitAny: the document is inspected field by field
let doc: any;

beforeAll(async () => {
  app = await offlineGateway(await createAgencyPki());
  doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
});
afterAll(() => app?.close());

const AGENCY = [{ agencyCertificate: [] }];
const RESIDENT = [{ residentSession: [] }];
const OPEN: never[] = [];
/** Every operation the gateway serves, and who may call it. */
const OPERATIONS = {
  'get /healthz': OPEN,
  'get /readyz': OPEN,
  'get /metrics': OPEN,
  'post /v1/inquiries': AGENCY,
  'post /v1/self-information': AGENCY,
  'get /v1/residents/{ppid}/consents': AGENCY,
  'post /v1/residents/{ppid}/consents': AGENCY,
  'post /v1/residents/{ppid}/consents/{consentId}/revoke': AGENCY,
  'post /v1/resident/challenge': OPEN,
  'post /v1/resident/sign-in': OPEN,
  'get /v1/resident/consents': RESIDENT,
  'post /v1/resident/consents': RESIDENT,
  'post /v1/resident/consents/{consentId}/revoke': RESIDENT,
};
const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(
    ([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ key: `${method} ${path}`, operation })),
  );
const ERROR_BODIES = ['#/components/schemas/ErrorBody', '#/components/schemas/RecordedRefusal'];
/** The component schemas a response refers to, directly or through anyOf. */
type SchemaRef = { $ref?: string; anyOf?: SchemaRef[] };
const refsOf = (response: { content?: Record<string, { schema: SchemaRef }> }): string[] => {
  const schema = response.content?.['application/json']?.schema ?? {};
  return (schema.anyOf ?? [schema]).map((branch) => branch.$ref ?? 'inline');
};

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists every route of the gateway, and nothing else', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(
      operations()
        .map((o) => o.key)
        .sort(),
    ).toEqual(Object.keys(OPERATIONS).sort());
    for (const key of Object.keys(OPERATIONS)) {
      const [method, path] = key.split(' ') as [string, string];
      const url = path.replace(/\{(\w+)\}/g, ':$1');
      expect(app.hasRoute({ method: method.toUpperCase() as 'GET', url }), key).toBe(true);
    }
  });

  it('names the security schemes: agency certificates by default, the resident session, open routes', () => {
    expect(doc.components.securitySchemes).toEqual({
      agencyCertificate: expect.objectContaining({ type: 'mutualTLS' }),
      residentSession: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    expect(doc.security).toEqual(AGENCY);
    for (const { key, operation } of operations()) {
      const expected = OPERATIONS[key as keyof typeof OPERATIONS];
      expect(operation.security ?? doc.security, key).toEqual(expected);
    }
  });

  it('documents the error body of every 4xx and 5xx answer as ErrorBody (or the recorded refusal)', () => {
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['ErrorBody', 'RecordedRefusal']),
    );
    expect(doc.components.schemas.ErrorBody.required).toEqual(['code', 'message']);
    for (const { key, operation } of operations()) {
      const responses = operation.responses as Record<string, { content?: never }>;
      expect(Object.keys(responses), key).toContain('500');
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) < 400 || key === 'get /readyz') continue;
        for (const ref of refsOf(response)) expect(ERROR_BODIES, `${key} ${status}`).toContain(ref);
      }
    }
  });

  it('documents a request body for every command and the 429 of every rate-limited route', () => {
    for (const { key, operation } of operations()) {
      const hasBody = operation.requestBody !== undefined;
      const takesBody = key.startsWith('post /v1/') && key !== 'post /v1/resident/challenge';
      expect(hasBody, key).toBe(takesBody);
      const probe = key === 'get /healthz' || key === 'get /readyz';
      if (!probe) expect(Object.keys(operation.responses as object), key).toContain('429');
    }
    const inquiry = doc.paths['/v1/inquiries'].post;
    expect(inquiry.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['agencyCode', 'officeWork', 'items']),
    );
    expect(Object.keys(inquiry.responses)).toEqual(['200', '400', '401', '403', '404', '429', '500', '503']);
  });
});
