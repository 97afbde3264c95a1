import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/canonical-json.js';
import { scanForMyNumbers } from '../../identity/privacy-scan.js';
import { testMyNumber } from '../../identity/testing/my-numbers.js';
import type { DisclosureRecorded, SecurityEventRecorded } from '../../schemas/events.js';
import { Topics } from '../../schemas/topics.js';
import { readTopic } from '../../tests/support/read-topic.js';
import { startPushGateway, TEST_RESIDENT_MY_NUMBER } from '../testing/push-gateway.js';
import { type ClientIdentity, call } from '../testing/tls.js';

/**
 * Issue 15, "Done when": an agency links a resident by My Number and then inquires with the code it
 * got; the link is in the trail (channel LINKING) before the answer; refusals are recorded.
 */
let gw: Awaited<ReturnType<typeof startPushGateway>>;
let chiyoda: ClientIdentity;
let jps: ClientIdentity;
const unknownMyNumber = testMyNumber('links-int-unknown', 0);

const link = (client: ClientIdentity | undefined, body: unknown) =>
  call(`${gw.url}/v1/links`, { body, ca: gw.pki.caPem, ...(client ? { client } : {}) });
const chiyodaLink = {
  myNumber: TEST_RESIDENT_MY_NUMBER,
  officeWork: 'child-allowance-eligibility',
  legalBasisRowId: 'LB-0001',
};

async function trail(): Promise<Array<{ offset: string; event: DisclosureRecorded }>> {
  const messages = await readTopic(gw.kafka, gw.topic(Topics.accessTrail));
  return Promise.all(
    messages.map(async (m) => ({
      offset: m.offset,
      event: (await gw.wire.decode(m.value as Buffer)) as DisclosureRecorded,
    })),
  );
}

beforeAll(async () => {
  gw = await startPushGateway('links', { linksPerMinute: 8 });
  [chiyoda, jps] = await Promise.all([gw.pki.issue('131016'), gw.pki.issue('jps')]);
});
afterAll(() => gw?.close());

describe('POST /v1/links', () => {
  let code: string;

  it('gives the agency its own code for the resident, recorded in the trail (LINKING) before the answer', async () => {
    const answer = await link(chiyoda, chiyodaLink);
    expect(answer.status).toBe(200);
    code = answer.body.agencyCode;
    expect(code).toMatch(/^AC1-v1-[A-Z2-7]{32}$/);
    expect(answer.body).toMatchObject({
      officeWork: 'child-allowance-eligibility',
      legalBasisRowId: 'LB-0001',
    });
    const entry = (await trail()).find((e) => e.offset === answer.body.trail.offset);
    expect(entry?.event.data).toMatchObject({
      linkageId: gw.resident,
      requester: '131016',
      officeWork: 'child-allowance-eligibility',
      legalBasisRowId: 'LB-0001',
      provider: 'identity-hub',
      itemKind: 'AGENCY_CODE',
      outcome: 'DISCLOSED',
      channel: 'LINKING',
    });
    const digest = createHash('sha256')
      .update(canonicalJson({ agencyCode: code }))
      .digest('hex');
    expect(Buffer.from(entry?.event.data.disclosedDigest ?? []).toString('hex')).toBe(digest);
  });

  it('then the agency inquires with that code and is answered under its legal basis', async () => {
    const answer = await call(`${gw.url}/v1/inquiries`, {
      client: chiyoda,
      ca: gw.pki.caPem,
      body: { agencyCode: code, officeWork: 'child-allowance-eligibility', items: ['LOCAL_TAX_INCOME'] },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.items[0]).toMatchObject({
      outcome: 'DISCLOSED',
      provider: '271004',
      legalBasisRowId: 'LB-0001',
    });
  });

  it('is idempotent: the same agency gets the same code; another agency gets its own', async () => {
    expect((await link(chiyoda, chiyodaLink)).body.agencyCode).toBe(code);
    const other = await link(jps, {
      myNumber: TEST_RESIDENT_MY_NUMBER,
      officeWork: 'pension-benefit-payment',
      legalBasisRowId: 'LB-0002',
    });
    expect(other.status).toBe(200);
    expect(other.body.agencyCode).not.toBe(code);
  });

  it('refuses a row that is not the agency’s (403 NO_LEGAL_BASIS), recorded in the resident’s trail', async () => {
    const answer = await link(jps, chiyodaLink);
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({
      code: 'FORBIDDEN',
      message: "linking refused: NO_LEGAL_BASIS: row LB-0001 is not this requester's",
      path: 'body.legalBasisRowId',
      reason: 'NO_LEGAL_BASIS',
    });
    const refused = (await trail()).filter((e) => e.event.data.outcome === 'REFUSED');
    expect(
      refused.map((e) => [e.event.data.requester, e.event.data.channel, e.event.data.refusalReason]),
    ).toEqual([['jps', 'LINKING', "NO_LEGAL_BASIS: row LB-0001 is not this requester's"]]);
  });

  it('answers an unknown resident 404 IDENTITY_UNKNOWN, recorded in the security audit', async () => {
    const answer = await link(chiyoda, { ...chiyodaLink, myNumber: unknownMyNumber });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({
      code: 'IDENTITY_UNKNOWN',
      message: 'no resident is enrolled under this My Number',
      path: 'body.myNumber',
    });
    let audited: SecurityEventRecorded[] = [];
    for (let i = 0; i < 40 && audited.length === 0; i++) {
      const messages = await readTopic(gw.kafka, gw.topic(Topics.securityAudit));
      const events = await Promise.all(messages.map((m) => gw.wire.decode(m.value as Buffer)));
      audited = (events as SecurityEventRecorded[]).filter((e) => e.data.kind === 'IDENTITY_UNKNOWN');
      if (audited.length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(audited[0]?.data).toMatchObject({ route: '/v1/links', status: 404, agencyId: '131016' });
  });

  it.each([
    [
      'twelve digits with a wrong check digit',
      `${TEST_RESIDENT_MY_NUMBER.slice(0, 11)}${(Number(TEST_RESIDENT_MY_NUMBER[11]) + 1) % 10}`,
      'the check digit of the My Number does not match',
    ],
    [
      'hyphens',
      `${TEST_RESIDENT_MY_NUMBER.slice(0, 4)}-${TEST_RESIDENT_MY_NUMBER.slice(4, 8)}-${TEST_RESIDENT_MY_NUMBER.slice(8)}`,
      'a My Number must be a string of exactly twelve digits',
    ],
    ['a number', 123456789018, 'a My Number must be a string of exactly twelve digits'],
  ])('refuses %s with MY_NUMBER_INVALID, never echoing a digit', async (_what, myNumber, message) => {
    const answer = await link(chiyoda, { ...chiyodaLink, myNumber });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      code: 'MY_NUMBER_INVALID',
      message: `body.myNumber: ${message}`,
      path: 'body.myNumber',
    });
    expect(answer.text).not.toMatch(/\d{4}/);
  });

  it('refuses a malformed row id naming the field, and a client without a certificate with 401', async () => {
    const answer = await link(chiyoda, { ...chiyodaLink, legalBasisRowId: 'row one' });
    expect(answer.body).toMatchObject({ code: 'INPUT_INVALID', path: 'body.legalBasisRowId' });
    expect((await link(undefined, chiyodaLink)).status).toBe(401);
  });

  it('limits links per agency per minute (429 LINK_BUDGET_EXCEEDED), another agency unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await link(chiyoda, chiyodaLink)).status);
    const refused = await link(chiyoda, chiyodaLink);
    expect(statuses.filter((s) => s === 429).length + (refused.status === 429 ? 1 : 0)).toBeGreaterThan(0);
    expect(refused).toMatchObject({
      status: 429,
      body: { code: 'RATE_LIMITED', reason: 'LINK_BUDGET_EXCEEDED', path: 'agency' },
    });
    expect(
      (await link(jps, { ...chiyodaLink, officeWork: 'pension-benefit-payment', legalBasisRowId: 'LB-0002' }))
        .status,
    ).toBe(200);
  });

  it('is documented in the OpenAPI document beside the routes declared with JSON Schema', async () => {
    const docs = await call(`${gw.url}/docs/json`, { ca: gw.pki.caPem });
    expect(docs.status).toBe(200);
    const post = docs.body.paths['/v1/links'].post;
    expect(Object.keys(post.requestBody.content['application/json'].schema.properties)).toEqual([
      'myNumber',
      'officeWork',
      'legalBasisRowId',
    ]);
    expect(docs.body.paths['/v1/resident/account'].put).toBeDefined();
    expect(docs.body.paths['/v1/inquiries'].post).toBeDefined();
  });

  it('never logs or keeps the My Number: not in the gateway’s log lines, the trail or the audit', async () => {
    const numbers = [TEST_RESIDENT_MY_NUMBER, unknownMyNumber];
    expect(gw.logLines.length).toBeGreaterThan(5);
    expect(scanForMyNumbers(numbers, gw.logLines)).toEqual([]);
    for (const topic of [Topics.accessTrail, Topics.securityAudit, Topics.agencyCodes]) {
      const messages = await readTopic(gw.kafka, gw.topic(topic));
      expect(
        scanForMyNumbers(
          numbers,
          messages.flatMap((m) => [m.value ?? Buffer.alloc(0), m.key ?? Buffer.alloc(0)]),
        ),
      ).toEqual([]);
    }
  });
});
