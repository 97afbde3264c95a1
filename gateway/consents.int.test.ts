import { randomBytes, randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import { newLinkageId } from '../identity/linkage-id.js';
import { createTestHub, type TestHub } from '../identity/testing/hub.js';
import { createEventWire } from '../platform/event-wire.js';
import { memoryView } from '../platform/memory-view.js';
import { duplicateStoreView } from '../projections/duplicate-store.js';
import { residentRecordsView } from '../projections/resident-record.js';
import type { DisclosureRecorded, TsunagiEvent } from '../schemas/events.js';
import { anEvent } from '../schemas/testing/events.js';
import { createTestTopic, testConfig, testKafka, testLogger } from '../tests/support/infra.js';
import { readTopic } from '../tests/support/read-topic.js';
import { viewsReadModel } from './read-model.js';
import { createSessionTokens } from './resident/session-token.js';
import { startTestGateway } from './testing/test-gateway.js';
import { type AgencyPki, type ClientIdentity, call, createAgencyPki } from './testing/tls.js';

/**
 * Issue 10 items 2, 3, 4 and 7 through the running gateway on real Kafka: consents come only from
 * the resident (or the portal), maxUses is enforced with ConsentUsed on the consents topic, hiding
 * an access needs a basis and a reason, and out-of-range dates are refused where they enter.
 */
const config = testConfig();
const kafka = testKafka(config);
const wire = createEventWire(config);
const logger = testLogger();
const MINUTE = 60_000;
const DAY = 86_400_000;

describe('consents from the resident, counted uses and reasoned embargoes (real Kafka)', () => {
  let admin: Admin;
  let trailTopic: string;
  let consentsTopic: string;
  let pki: AgencyPki;
  let hub: TestHub;
  let url: string;
  let bank: ClientIdentity;
  let portal: ClientIdentity;
  let chiyoda: ClientIdentity;
  const sessions = createSessionTokens({ key: randomBytes(32), clock: systemClock });
  const closers: Array<() => Promise<unknown>> = [];

  /** A resident living in Chiyoda, whose local tax the municipality holds. */
  async function newResident() {
    const linkageId = newLinkageId();
    const at = { topic: 't', partition: 0, offset: '0' };
    residents.apply(anEvent('ResidentRecordChanged', { data: { linkageId, sequence: 1 } }), at);
    items.apply(
      anEvent('InformationItemPublished', { data: { linkageId, provider: '131016', sequence: 1 } }),
      at,
    );
    const token = sessions.issue(await hub.codes.ppidFor('resident-portal', linkageId)).token;
    return {
      linkageId,
      bankPpid: await hub.codes.ppidFor('tsubame-bank', linkageId),
      portalPpid: await hub.codes.ppidFor('resident-portal', linkageId),
      chiyodaCode: await hub.codes.issueAgencyCode('131016', linkageId),
      auth: { authorization: `Bearer ${token}` },
    };
  }
  const residents = memoryView(residentRecordsView);
  const items = memoryView(duplicateStoreView);

  const agency = (path: string, client: ClientIdentity, body?: unknown, headers?: Record<string, string>) =>
    call(`${url}${path}`, {
      client,
      ca: pki.caPem,
      ...(body === undefined ? {} : { body }),
      ...(headers ? { headers } : {}),
    });
  const asResident = (path: string, headers: Record<string, string>, body?: unknown) =>
    call(`${url}${path}`, { ca: pki.caPem, headers, ...(body === undefined ? {} : { body }) });
  const loanConsent = (overrides: Record<string, unknown> = {}) => ({
    recipient: 'tsubame-bank',
    purpose: 'housing-loan-screening',
    items: ['LOCAL_TAX_CERTIFICATE'],
    validFrom: new Date().toISOString(),
    validUntil: new Date(Date.now() + 30 * DAY).toISOString(),
    maxUses: 2,
    ...overrides,
  });
  const selfInformation = (bankPpid: string) =>
    agency('/v1/self-information', bank, {
      ppid: bankPpid,
      purpose: 'housing-loan-screening',
      items: ['LOCAL_TAX_CERTIFICATE'],
    });
  /** The resident's events on the real topics, decoded through the registry. */
  async function eventsOf(topic: string, linkageId: string): Promise<TsunagiEvent[]> {
    const events = await Promise.all(
      (await readTopic(kafka, topic)).map((m) => wire.decode(m.value ?? Buffer.alloc(0))),
    );
    return events.filter((e) => 'linkageId' in e.data && e.data.linkageId === linkageId);
  }
  const trailOf = async (linkageId: string) =>
    (await eventsOf(trailTopic, linkageId)) as DisclosureRecorded[];

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    trailTopic = await createTestTopic(admin, 'consent-trail', 3);
    consentsTopic = await createTestTopic(admin, 'consent-consents', 3);
    pki = await createAgencyPki();
    [bank, portal, chiyoda] = await Promise.all([
      pki.issue('tsubame-bank'),
      pki.issue('resident-portal'),
      pki.issue('131016'),
    ]);
    hub = createTestHub();

    const gateway = await startTestGateway({
      kafka,
      wire,
      logger,
      pki,
      trailTopic,
      consentsTopic,
      residents: hub.codes,
      readModel: viewsReadModel({ items, residents }),
      residentSessions: sessions,
    });
    closers.push(() => gateway.close());
    url = gateway.url;
  });

  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined);
    await hub?.close();
    await admin.deleteTopics({ topics: [trailTopic, consentsTopic] }).catch(() => undefined);
    await admin.disconnect();
  });

  describe('item 2: a consent comes from the resident, never from the party it benefits', () => {
    it('refuses the exact attack — a service records a consent naming itself, backdated to 2000, then uses it — at the first step, leaving no consent', async () => {
      const resident = await newResident();
      const recorded = await agency(
        `/v1/residents/${resident.bankPpid}/consents`,
        bank,
        loanConsent({ validFrom: '2000-01-01T00:00:00Z', maxUses: null }),
      );
      expect(recorded.status).toBe(403);
      expect(recorded.body).toEqual({
        code: 'CONSENT_NOT_BY_RESIDENT',
        message:
          'a consent is recorded only by the resident (POST /v1/resident/consents) or the resident portal acting for them',
        path: 'agency',
      });

      const used = await selfInformation(resident.bankPpid);
      expect(used.status).toBe(403);
      expect(used.body.reason).toBe('CONSENT_REQUIRED');
      expect(used.text).not.toContain('municipalTax');
      const listed = await agency(`/v1/residents/${resident.bankPpid}/consents`, bank);
      expect(listed.body).toEqual({ consents: [] });
      expect(await eventsOf(consentsTopic, resident.linkageId)).toEqual([]);
    });

    it('refuses a backdated consent from the portal too, naming validFrom and the tolerance', async () => {
      const resident = await newResident();
      const backdated = await agency(
        `/v1/residents/${resident.portalPpid}/consents`,
        portal,
        loanConsent({
          validFrom: '2000-01-01T00:00:00Z',
          validUntil: new Date(Date.now() + DAY).toISOString(),
        }),
      );
      expect(backdated.status).toBe(400);
      expect(backdated.body).toEqual({
        code: 'CONSENT_BACKDATED',
        message:
          'validFrom lies in the past: a consent starts now or later (5 minutes of clock skew tolerated)',
        path: 'body.validFrom',
      });
      const tooLong = await agency(
        `/v1/residents/${resident.portalPpid}/consents`,
        portal,
        loanConsent({ validUntil: new Date(Date.now() + 400 * DAY).toISOString() }),
      );
      expect(tooLong.body).toMatchObject({ code: 'CONSENT_PERIOD_INVALID', path: 'body.validUntil' });
      expect(await eventsOf(consentsTopic, resident.linkageId)).toEqual([]);
    });

    it("the resident's own grant works, is usable by the named service, and the resident can revoke it", async () => {
      const resident = await newResident();
      const granted = await asResident(
        '/v1/resident/consents',
        resident.auth,
        loanConsent({ maxUses: null }),
      );
      expect(granted.status).toBe(201);
      expect(granted.body).toMatchObject({ recipient: 'tsubame-bank', status: 'ACTIVE', uses: 0 });

      const used = await selfInformation(resident.bankPpid);
      expect(used.status).toBe(200);
      expect(used.body.items[0]).toMatchObject({ outcome: 'DISCLOSED', legalBasisRowId: 'LB-0019' });
      const [disclosed] = await trailOf(resident.linkageId);
      expect(disclosed?.data).toMatchObject({ outcome: 'DISCLOSED', consentId: granted.body.consentId });

      const revoked = await asResident(
        `/v1/resident/consents/${granted.body.consentId}/revoke`,
        resident.auth,
        {},
      );
      expect(revoked.body).toMatchObject({ status: 'REVOKED', uses: 1 });
      expect((await selfInformation(resident.bankPpid)).body.reason).toBe('CONSENT_NOT_COVERING');
      const onTopic = await eventsOf(consentsTopic, resident.linkageId);
      expect(onTopic.map((e) => e.type)).toEqual(['ConsentGranted', 'ConsentUsed', 'ConsentRevoked']);
      expect(onTopic[0]?.type === 'ConsentGranted' && onTopic[0].data.channel).toBe('resident-session');
    });

    it('needs a resident session: 401 without one, and a resident sees only their own consents', async () => {
      const [one, other] = await Promise.all([newResident(), newResident()]);
      const missing = await asResident('/v1/resident/consents', {}, loanConsent());
      expect(missing.status).toBe(401);
      expect(missing.body).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' });
      const forged = await asResident('/v1/resident/consents', { authorization: 'Bearer v1.e30.AAAA' });
      expect(forged.status).toBe(401);

      const granted = await asResident('/v1/resident/consents', one.auth, loanConsent());
      expect((await asResident('/v1/resident/consents', other.auth)).body).toEqual({ consents: [] });
      const stolen = await asResident(
        `/v1/resident/consents/${granted.body.consentId}/revoke`,
        other.auth,
        {},
      );
      expect(stolen.status).toBe(404);
      expect((await asResident('/v1/resident/consents', one.auth)).body.consents).toHaveLength(1);
    });

    it('makes a retried grant a no-op with an Idempotency-Key, and refuses the key for another grant', async () => {
      const resident = await newResident();
      const key = { ...resident.auth, 'idempotency-key': `grant-${randomUUID()}` };
      const body = loanConsent();
      const first = await asResident('/v1/resident/consents', key, body);
      const retry = await asResident('/v1/resident/consents', key, body);
      expect(retry.status).toBe(201);
      expect(retry.body.consentId).toBe(first.body.consentId);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      const other = await asResident('/v1/resident/consents', key, { ...body, maxUses: 5 });
      expect(other.status).toBe(409);
      expect(other.body).toMatchObject({ code: 'CONSENT_CONFLICT', path: 'headers.idempotency-key' });
      const revoke = `/v1/resident/consents/${first.body.consentId}/revoke`;
      await asResident(revoke, resident.auth, {});
      expect((await asResident(revoke, resident.auth, {})).body.status).toBe('REVOKED');
      const types = (await eventsOf(consentsTopic, resident.linkageId)).map((e) => e.type);
      expect(types).toEqual(['ConsentGranted', 'ConsentRevoked']);
    });

    it('documents the resident routes in the OpenAPI document', async () => {
      const openapi = await call(`${url}/docs/json`, { ca: pki.caPem });
      expect(Object.keys(openapi.body.paths)).toEqual(
        expect.arrayContaining(['/v1/resident/consents', '/v1/resident/consents/{consentId}/revoke']),
      );
      const grant = openapi.body.paths['/v1/resident/consents'].post;
      expect(grant.security).toEqual([{ residentSession: [] }]);
      expect(Object.keys(grant.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '409']));
    });
  });

  describe('item 3: maxUses is enforced with ConsentUsed on the consents topic', () => {
    it('given maxUses 2, the third use is refused USES_EXHAUSTED and recorded; the view shows uses 2', async () => {
      const resident = await newResident();
      const granted = await asResident('/v1/resident/consents', resident.auth, loanConsent({ maxUses: 2 }));
      const answers = [];
      for (let n = 0; n < 3; n++) answers.push(await selfInformation(resident.bankPpid));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 403]);
      expect(answers[2]?.body).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'CONSENT_NOT_COVERING',
        items: [{ outcome: 'REFUSED', reason: 'CONSENT_NOT_COVERING', detail: 'USES_EXHAUSTED' }],
      });

      const uses = (await eventsOf(consentsTopic, resident.linkageId)).filter(
        (e) => e.type === 'ConsentUsed',
      );
      expect(uses.map((e) => e.type === 'ConsentUsed' && e.data.useNumber)).toEqual([1, 2]);
      expect(uses[0]?.envelope.correlationId).toBe(answers[0]?.body.inquiryId);
      const trail = await trailOf(resident.linkageId);
      expect(trail.map((r) => r.data.outcome)).toEqual(['DISCLOSED', 'DISCLOSED', 'REFUSED']);
      expect(trail[2]?.data).toMatchObject({
        refusalReason: 'CONSENT_NOT_COVERING',
        refusalDetail: 'USES_EXHAUSTED',
      });
      const [listed] = (await asResident('/v1/resident/consents', resident.auth)).body.consents;
      expect(listed).toMatchObject({ consentId: granted.body.consentId, maxUses: 2, uses: 2 });
    });

    it('given one use left, concurrent requests disclose exactly once', async () => {
      const resident = await newResident();
      await asResident('/v1/resident/consents', resident.auth, loanConsent({ maxUses: 1 }));
      const answers = await Promise.all(Array.from({ length: 6 }, () => selfInformation(resident.bankPpid)));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      const uses = (await eventsOf(consentsTopic, resident.linkageId)).filter(
        (e) => e.type === 'ConsentUsed',
      );
      expect(uses).toHaveLength(1);
    });
  });

  describe('item 4: hiding an access needs a basis, a bounded period and a reason', () => {
    const inquiry = (agencyCode: string, extra: Record<string, unknown>) =>
      agency('/v1/inquiries', chiyoda, {
        agencyCode,
        officeWork: 'nursing-care-insurance-premium',
        items: ['LOCAL_TAX_INCOME'],
        provider: '131016',
        ...extra,
      });

    it('refuses hiding an ordinary inquiry (no basis), records the refusal visibly, discloses nothing', async () => {
      const resident = await newResident();
      const answer = await inquiry(resident.chiyodaCode, {
        nonDisclosureUntil: '2030-12-31',
        nonDisclosureReason: 'CRIMINAL_INVESTIGATION',
      });
      expect(answer.status).toBe(403);
      expect(answer.body.reason).toBe('NON_DISCLOSURE_NO_BASIS');
      expect(answer.text).not.toContain('municipalTax');
      const [record] = await trailOf(resident.linkageId);
      expect(record?.data).toMatchObject({
        outcome: 'REFUSED',
        refusalReason: 'NON_DISCLOSURE_NO_BASIS',
        refusalDetail: 'row LB-0004 allows no hiding',
        nonDisclosureUntil: null,
      });
    });

    it('refuses 9999-12-31 at the door as out of range, naming the field', async () => {
      const resident = await newResident();
      const answer = await inquiry(resident.chiyodaCode, {
        nonDisclosureUntil: '9999-12-31',
        nonDisclosureReason: 'CRIMINAL_INVESTIGATION',
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        code: 'INPUT_INVALID',
        message: 'body.nonDisclosureUntil: must lie between 1900-01-01 and 2200-12-31',
        path: 'body.nonDisclosureUntil',
      });
    });

    it('under an investigation row, hides within its maximum with a reason code and case reference recorded', async () => {
      const resident = await newResident();
      const investigate = (extra: Record<string, unknown>) =>
        inquiry(resident.chiyodaCode, { officeWork: 'public-assistance-investigation', ...extra });
      const until = new Date(Date.now() + 400 * DAY).toISOString().slice(0, 10);
      const reasonless = await investigate({ nonDisclosureUntil: until });
      expect(reasonless.body.reason).toBe('NON_DISCLOSURE_REASON_MISSING');
      const tooLong = await investigate({
        nonDisclosureUntil: new Date(Date.now() + 800 * DAY).toISOString().slice(0, 10),
        nonDisclosureReason: 'BENEFIT_FRAUD_INVESTIGATION',
      });
      expect(tooLong.body.reason).toBe('NON_DISCLOSURE_TOO_LONG');
      const freeText = await investigate({ nonDisclosureUntil: until, nonDisclosureReason: 'suspects her' });
      expect(freeText.body).toMatchObject({ code: 'INPUT_INVALID', path: 'body.nonDisclosureReason' });

      const hidden = await investigate({
        nonDisclosureUntil: until,
        nonDisclosureReason: 'BENEFIT_FRAUD_INVESTIGATION',
        caseReference: '2025-000123',
      });
      expect(hidden.status).toBe(200);
      expect(hidden.body.items[0].nonDisclosureUntil).toBe(until);
      const records = await trailOf(resident.linkageId);
      expect(records.map((r) => r.data.refusalReason ?? r.data.outcome)).toEqual([
        'NON_DISCLOSURE_REASON_MISSING',
        'NON_DISCLOSURE_TOO_LONG',
        'DISCLOSED',
      ]);
      expect(records[2]?.data).toMatchObject({
        legalBasisRowId: 'LB-0013',
        nonDisclosureUntil: until,
        nonDisclosureReason: 'BENEFIT_FRAUD_INVESTIGATION',
        nonDisclosureCaseReference: '2025-000123',
      });
    });
  });

  describe('item 7: every date is bounded where it enters', () => {
    it('refuses a consent valid from 0000-01-01 with 400 and its path, and writes nothing', async () => {
      const resident = await newResident();
      const ancient = await asResident(
        '/v1/resident/consents',
        resident.auth,
        loanConsent({ validFrom: '0000-01-01T00:00:00Z' }),
      );
      expect(ancient.status).toBe(400);
      expect(ancient.body).toEqual({
        code: 'INPUT_INVALID',
        message: 'body.validFrom: must lie between 1900-01-01 and 2200-12-31',
        path: 'body.validFrom',
      });
      const viaPortal = await agency(
        `/v1/residents/${resident.portalPpid}/consents`,
        portal,
        loanConsent({ validFrom: '0000-01-01T00:00:00Z' }),
      );
      expect(viaPortal.body).toMatchObject({ code: 'INPUT_INVALID', path: 'body.validFrom' });
      expect(await eventsOf(consentsTopic, resident.linkageId)).toEqual([]);
    });

    it('tolerates a few minutes of clock skew on validFrom, not more', async () => {
      const resident = await newResident();
      const skewed = loanConsent({ validFrom: new Date(Date.now() - 2 * MINUTE).toISOString() });
      expect((await asResident('/v1/resident/consents', resident.auth, skewed)).status).toBe(201);
    });
  });
});
