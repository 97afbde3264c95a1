import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, systemClock } from '../core/clock.js';
import { newLinkageId } from '../identity/linkage-id.js';
import { createTestHub, type TestHub } from '../identity/testing/hub.js';
import type { EventStore } from '../platform/event-store.js';
import { createEventWire } from '../platform/event-wire.js';
import { memoryView } from '../platform/memory-view.js';
import { readTrailPage, trailIndexView } from '../projections/access-trail.js';
import type { DisclosureRecorded } from '../schemas/events.js';
import { createTestTopic, testConfig, testKafka, testLogger, testStore } from '../tests/support/infra.js';
import { digestOf, disclosureRecorded } from '../trail/disclosure.js';
import { createTrailSubjectKeys } from '../trail/log/public-entry.js';
import { openTrailLogReader } from '../trail/log/reader.js';
import { startTrailLogService, type TrailLogService } from '../trail/log/service.js';
import { createNoteSigner, generateSignerKey } from '../trail/log/signer.js';
import { openTrailLogStore, type TrailLogStore } from '../trail/log/store.js';
import { c2spTile } from '../trail/log/tiles.js';
import { fromBase64 } from '../trail/log/verifier/bytes.js';
import { parseVerifierKey } from '../trail/log/verifier/note.js';
import { ConsistencyProofJson, InclusionProofJson } from '../trail/log/verifier/proof-json.js';
import { verifyResidentEntry } from '../trail/log/verifier/resident-entry.js';
import { verifyLogConsistency } from '../trail/log/verifier/verify.js';
import { createDisclosureRecorder } from '../trail/recorder.js';
import { memorySessionLedgerLog } from './resident/challenge-store.js';
import { sessionLedgerState } from './resident/session-ledger.js';
import { ledgerRevocations, revocableSessions } from './resident/session-revocations.js';
import { createSessionTokens, SESSION_SERVICE_ID, type SessionTokens } from './resident/session-token.js';
import { startTestGateway } from './testing/test-gateway.js';
import { createAgencyPki } from './testing/tls.js';

/**
 * Issue 12, deliverables 4 and 6 on the real Kafka: disclosures recorded for two residents, the
 * trail log integrating them in this process, the projection's trail index, and the gateway's
 * history, proof and sign-out routes. Each history entry is checked here the way the page does it.
 */
const config = testConfig();
const kafka = testKafka(config);
const wire = createEventWire(config);
const logger = testLogger();
const signer = createNoteSigner(generateSignerKey('test.tsunagi.localhost/access-trail').signerKey);
const subjects = createTrailSubjectKeys(randomBytes(32));
const [alice, bob] = [newLinkageId(), newLinkageId()];
const sessionKey = randomBytes(32);
const past = '2025-01-10';
const future = '2099-12-31';

let admin: Admin;
let topics: string[];
let dir: string;
let store: TrailLogStore;
let service: TrailLogService;
let hub: TestHub;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let sessions: SessionTokens;
let log: EventStore;
const trailIndex = memoryView(trailIndexView);
const token: Record<'alice' | 'bob', string> = { alice: '', bob: '' };
const recorded: Record<string, DisclosureRecorded> = {};

const disclosure = (n: number, linkageId: string, facts: Partial<DisclosureRecorded['data']> = {}) =>
  disclosureRecorded(
    {
      linkageId,
      requester: '271004',
      officeWork: 'nursing-care-insurance-premium',
      legalBasisRowId: 'LB-0004',
      provider: '131016',
      itemKind: 'LOCAL_TAX_INCOME',
      outcome: 'DISCLOSED',
      refusalReason: null,
      channel: 'INQUIRY',
      disclosedDigest: digestOf(`payload-${n}`),
      nonDisclosureUntil: null,
      ...facts,
    },
    {
      eventId: `evt-history-${n}`,
      at: new Date(Date.UTC(2026, 3, 1, 0, 0, n)),
      producer: 'gateway',
      correlationId: `req-${n}`,
    },
  );

const get = (url: string, who?: 'alice' | 'bob', bearer = who ? token[who] : undefined) =>
  gateway.app.inject({
    method: 'GET',
    url,
    ...(bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {}),
  });

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  const trailTopic = await createTestTopic(admin, 'history-trail', 1);
  const checkpointTopic = await createTestTopic(admin, 'history-checkpoints', 1);
  const consentsTopic = await createTestTopic(admin, 'history-consents', 1);
  topics = [trailTopic, checkpointTopic, consentsTopic];
  dir = mkdtempSync(join(tmpdir(), 'tsunagi-history-'));
  store = openTrailLogStore(join(dir, 'trail-log'));
  log = testStore(config, {
    topicNames: { 'access-trail': trailTopic, 'trail-checkpoints': checkpointTopic },
  });
  service = await startTrailLogService({
    ...{ log, store, signer, subjects, logger },
    checkpointIntervalMs: 60_000,
  });

  const events = [
    disclosure(1, alice),
    disclosure(2, bob),
    disclosure(3, alice, {
      requester: 'hello-work',
      officeWork: 'unemployment-benefit',
      legalBasisRowId: null,
      outcome: 'REFUSED',
      refusalReason: 'NO_LEGAL_BASIS',
      disclosedDigest: null,
    }),
    disclosure(4, alice, {
      requester: 'jps',
      itemKind: 'PENSION_BENEFIT_AMOUNT',
      nonDisclosureUntil: future,
    }),
    disclosure(5, alice, { requester: 'jps', itemKind: 'PENSION_BENEFIT_AMOUNT', nonDisclosureUntil: past }),
    disclosure(6, alice, { channel: 'SUBSCRIPTION', provider: '271004' }),
  ];
  const recorder = createDisclosureRecorder({ store: log, logger });
  for (const event of events) {
    trailIndex.apply(event, await recorder.record(event));
    recorded[event.envelope.eventId] = event;
  }
  await recorder.close();
  for (let waited = 0; store.integrated().size < events.length; waited += 100) {
    if (waited > 30_000) throw new Error('the trail log did not integrate the entries');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await service.publisher.publishNow();

  hub = createTestHub();
  sessions = createSessionTokens({ key: sessionKey, clock: systemClock });
  const ledger = sessionLedgerState();
  const revocations = ledgerRevocations({
    state: ledger,
    log: memorySessionLedgerLog(ledger),
    clock: systemClock,
    instance: 'history-test',
  });
  const residentSessions = revocableSessions(sessions, revocations);
  token.alice = sessions.issue(await hub.codes.ppidFor(SESSION_SERVICE_ID, alice)).token;
  token.bob = sessions.issue(await hub.codes.ppidFor(SESSION_SERVICE_ID, bob)).token;
  gateway = await startTestGateway({
    kafka,
    wire,
    logger,
    pki: await createAgencyPki(),
    trailTopic,
    consentsTopic,
    residents: hub.codes,
    readModel: { latestItem: () => undefined, residentRecord: () => undefined },
    residentSessions,
    resident: {
      sessionRevocations: revocations,
      residentBudgets: { perSessionPerMinute: 40, perAddressPerMinute: 1_000 },
      trailLog: { trailLog: openTrailLogReader({ store }), verifierKey: () => signer.verifierKey },
      residentHistory: {
        trailOf: (linkageId, page) => readTrailPage(trailIndex, linkageId, page),
        subjects,
      },
    },
  });
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await service?.stop();
  await log?.close();
  await store?.close();
  await hub?.close();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

type Answer = {
  entries: Array<Record<string, unknown> & { eventId: string; entry: string; proof: unknown }>;
  nextBefore: string | null;
  checkpoint: string;
  residentKey: string;
  verifierKey: string;
};

async function verifyAll(answer: Answer) {
  const key = await parseVerifierKey(answer.verifierKey);
  if (!key.ok) throw new Error(key.detail);
  return Promise.all(
    answer.entries.map((e) =>
      verifyResidentEntry({
        entry: fromBase64(e.entry) as Uint8Array,
        proof: InclusionProofJson.parse(e.proof),
        checkpoint: answer.checkpoint,
        key: key.key,
        residentKey: fromBase64(answer.residentKey) as Uint8Array,
      }).then((v) => (v.ok ? 'verified' : v.reason)),
    ),
  );
}

describe('GET /v1/resident/history', () => {
  it("answers the resident's own entries, newest first, refusals included, embargoed ones hidden until their day", async () => {
    const answer = await get('/v1/resident/history', 'alice');
    expect(answer.statusCode).toBe(200);
    const body = answer.json() as Answer;
    expect(body.entries.map((e) => e.eventId)).toEqual([
      'evt-history-6',
      'evt-history-5',
      'evt-history-3',
      'evt-history-1',
    ]);
    expect(body.entries[2]).toMatchObject({
      agency: {
        id: 'hello-work',
        ja: 'ハローワーク（公共職業安定所）',
        en: 'Hello Work (Public Employment Security Office)',
      },
      outcome: { code: 'REFUSED', en: 'Refused' },
      refusalReason: 'NO_LEGAL_BASIS',
      legalBasisRowId: null,
    });
    expect(body.entries[3]).toMatchObject({
      agency: { id: '271004', ja: '大阪市', en: 'Osaka City' },
      provider: { id: '131016', ja: '千代田区' },
      item: { code: 'LOCAL_TAX_INCOME', ja: '地方税（所得）情報' },
      officeWork: { code: 'nursing-care-insurance-premium', en: 'Nursing-care insurance premium' },
      legalBasisRowId: 'LB-0004',
      channel: { code: 'INQUIRY' },
      outcome: { code: 'DISCLOSED', ja: '提供' },
      recordedAt: '2026-04-01T00:00:01.000Z',
    });
    expect(body.entries[1]).toMatchObject({ nonDisclosureUntil: past });
    expect(body.checkpoint).toBe(store.latestCheckpoint()?.note);
    expect(await verifyAll(body)).toEqual(['verified', 'verified', 'verified', 'verified']);
    // Nothing in the answer names the resident inside the hub.
    expect(answer.body).not.toContain(alice);
    expect(answer.body).not.toContain('req-1');
  });

  it("never shows a resident another resident's entries, and theirs do not verify as the other's", async () => {
    const bobs = (await get('/v1/resident/history', 'bob')).json() as Answer;
    expect(bobs.entries.map((e) => e.eventId)).toEqual(['evt-history-2']);
    expect(await verifyAll(bobs)).toEqual(['verified']);
    const alices = (await get('/v1/resident/history', 'alice')).json() as Answer;
    expect(alices.residentKey).not.toBe(bobs.residentKey);
    // Bob's entry under Alice's trail key: in the log, but not hers.
    expect(await verifyAll({ ...bobs, residentKey: alices.residentKey })).toEqual(['NOT_YOUR_ENTRY']);
  });

  it('filters by day, agency and item, and pages with nextBefore', async () => {
    const ids = async (query: string) =>
      ((await get(`/v1/resident/history?${query}`, 'alice')).json() as Answer).entries.map((e) => e.eventId);
    expect(await ids('agency=hello-work')).toEqual(['evt-history-3']);
    expect(await ids('item=PENSION_BENEFIT_AMOUNT')).toEqual(['evt-history-5']);
    expect(await ids('from=2026-04-02')).toEqual([]);
    expect(await ids('to=2026-03-31')).toEqual([]);
    expect(await ids('from=2026-04-01&to=2026-04-01&agency=271004')).toEqual([
      'evt-history-6',
      'evt-history-1',
    ]);
    const first = (await get('/v1/resident/history?limit=3', 'alice')).json() as Answer;
    expect(first.entries).toHaveLength(3);
    const rest = (
      await get(`/v1/resident/history?limit=3&before=${first.nextBefore}`, 'alice')
    ).json() as Answer;
    expect(rest.entries.map((e) => e.eventId)).toEqual(['evt-history-1']);
    expect(rest.nextBefore).toBeNull();
  });

  it('refuses bad input with the field named, and requests without a valid session', async () => {
    for (const [query, path] of [
      ['limit=0', 'querystring.limit'],
      ['limit=101', 'querystring.limit'],
      ['from=2026-13-01', 'querystring.from'],
      ['before=..%2Fx', 'querystring.before'],
      ['linkageId=x', 'querystring'],
    ])
      expect((await get(`/v1/resident/history?${query}`, 'alice')).json()).toMatchObject({
        code: 'INPUT_INVALID',
        path,
      });
    expect((await get('/v1/resident/history')).json()).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'TOKEN_MISSING',
    });
    const forged = createSessionTokens({ key: randomBytes(32), clock: systemClock }).issue('PP1-v1-x').token;
    expect((await get('/v1/resident/history', undefined, forged)).json()).toMatchObject({
      reason: 'TOKEN_SIGNATURE_INVALID',
    });
    const ppid = await hub.codes.ppidFor(SESSION_SERVICE_ID, alice);
    const expired = createSessionTokens({ key: sessionKey, clock: fixedClock('2026-01-01T00:00:00Z') }).issue(
      ppid,
    );
    expect((await get('/v1/resident/history', undefined, expired.token)).json()).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'TOKEN_EXPIRED',
    });
  });
});

describe('the public proof routes', () => {
  it('serve the checkpoint, proofs, entries and C2SP tiles, all agreeing with the store', async () => {
    const checkpoint = await get('/v1/trail/checkpoint');
    expect(checkpoint.statusCode).toBe(200);
    expect(checkpoint.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(checkpoint.body).toBe(store.latestCheckpoint()?.note);
    expect((await get('/v1/trail/verifier-key')).body).toBe(`${signer.verifierKey}\n`);
    const inclusion = (await get('/v1/trail/proofs/inclusion?index=2')).json();
    expect(InclusionProofJson.parse(inclusion)).toMatchObject({ index: 2, size: 6 });
    const entry = await get('/v1/trail/entries/2');
    expect(entry.headers['content-type']).toBe('application/octet-stream');
    expect(new Uint8Array(entry.rawPayload)).toEqual(store.entry(2));
    const tile = await get('/v1/trail/tile/0/000.p/6');
    expect(new Uint8Array(tile.rawPayload)).toEqual(
      c2spTile(store.readTile({ level: 0, index: 0 }) as Uint8Array, 6),
    );
    expect(tile.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const bundle = new Uint8Array((await get('/v1/trail/tile/entries/000.p/6')).rawPayload);
    expect(bundle.length).toBe(
      6 * 2 + [0, 1, 2, 3, 4, 5].reduce((n, i) => n + (store.entry(i)?.length ?? 0), 0),
    );
    expect(new DataView(bundle.buffer, bundle.byteOffset).getUint16(0)).toBe(store.entry(0)?.length);
  });

  it('prove the log only grew between two checkpoints', async () => {
    const older = store.latestCheckpoint()?.note as string;
    const recorder = createDisclosureRecorder({ store: log, logger });
    await recorder.record(disclosure(7, bob));
    await recorder.close();
    for (let waited = 0; store.integrated().size < 7 && waited < 30_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await service.publisher.publishNow();
    const newer = (await get('/v1/trail/checkpoint')).body;
    const proof = ConsistencyProofJson.parse((await get('/v1/trail/proofs/consistency?size1=6')).json());
    const key = await parseVerifierKey(signer.verifierKey);
    if (!key.ok) throw new Error(key.detail);
    expect(await verifyLogConsistency({ older, newer, proof, key: key.key })).toMatchObject({ ok: true });
  });

  it('refuse what is not there or not a position, naming it', async () => {
    expect((await get('/v1/trail/entries/999')).json()).toMatchObject({
      code: 'NOT_FOUND',
      path: 'params.index',
    });
    expect((await get('/v1/trail/entries/-1')).json()).toMatchObject({
      code: 'INPUT_INVALID',
      path: 'params.index',
    });
    expect((await get('/v1/trail/proofs/inclusion?index=50')).json()).toMatchObject({
      code: 'NOT_FOUND',
      path: 'querystring.index',
    });
    expect((await get('/v1/trail/proofs/inclusion?index=abc')).json()).toMatchObject({
      code: 'INPUT_INVALID',
      path: 'querystring.index',
    });
    expect((await get('/v1/trail/tile/0/000')).statusCode).toBe(404);
    expect((await get('/v1/trail/tile/0/x000/000')).json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('are in the OpenAPI document with their encodings', async () => {
    const paths = (await get('/docs/json')).json().paths;
    for (const path of [
      '/v1/trail/checkpoint',
      '/v1/trail/verifier-key',
      '/v1/trail/proofs/inclusion',
      '/v1/trail/proofs/consistency',
      '/v1/trail/entries/{index}',
      '/v1/trail/tile/{*}',
      '/v1/resident/history',
      '/v1/resident/sign-out',
    ])
      expect(paths).toHaveProperty([path]);
    expect(Object.keys(paths['/v1/trail/checkpoint'].get.responses[200].content)).toEqual([
      'text/plain; charset=utf-8',
    ]);
    expect(paths['/v1/trail/proofs/inclusion'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'index',
      'size',
    ]);
  });
});

describe('sign-out and the residents’ budget', () => {
  it('refuses a signed-out token (shared by instances and kept over a restart: session-ledger.int.test.ts)', async () => {
    const ppid = await hub.codes.ppidFor(SESSION_SERVICE_ID, bob);
    const leaving = sessions.issue(ppid).token;
    expect((await get('/v1/resident/history', undefined, leaving)).statusCode).toBe(200);
    const out = await gateway.app.inject({
      method: 'POST',
      url: '/v1/resident/sign-out',
      headers: { authorization: `Bearer ${leaving}` },
    });
    expect(out.json()).toEqual({ signedOut: true });
    expect((await get('/v1/resident/history', undefined, leaving)).json()).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'TOKEN_REVOKED',
    });
    expect((await get('/v1/resident/history', 'bob')).statusCode).toBe(200);
  });

  it('limits a signed-in resident by their own budget, apart from other residents', async () => {
    let refused: { statusCode: number; json(): unknown } | undefined;
    for (let i = 0; i < 60 && !refused; i++) {
      const answer = await get('/v1/trail/checkpoint', 'alice');
      if (answer.statusCode === 429) refused = answer;
    }
    expect(refused?.json()).toMatchObject({
      code: 'RATE_LIMITED',
      reason: 'RESIDENT_SESSION_BUDGET_EXCEEDED',
      path: 'session',
    });
    expect((await get('/v1/resident/history', 'bob')).statusCode).toBe(200);
  });
});
