import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgencyCodeIssued } from '../identity/event-log.js';
import type { EventStore } from '../platform/event-store.js';
import { anEvent } from '../schemas/testing/events.js';
import { Topics } from '../schemas/topics.js';
import { testConfig, testKafka, testLogger, testStore, uniqueName } from '../tests/support/infra.js';
import { PROJECTION_NAMES, type ProjectionName, VIEWS } from './catalogue.js';
import { currentGeneration } from './generations.js';
import { createLmdbRunner, type LmdbRunner } from './lmdb-runner.js';
import { createProjectionMetrics } from './metrics.js';
import { replayView } from './replay.js';
import { openStoreAt } from './store.js';
import {
  comparable,
  createViewTopics,
  endOffsets,
  produceAgencyCodes,
  produceEvents,
  reached,
  storedOffsets,
  waitUntil,
} from './testing/kafka.js';
import { openProjectionViews, type ProjectionViews } from './views.js';

const config = testConfig();
const kafka = testKafka(config);
const logger = testLogger();
const ISSUER = 'CN=Test JPKI CA,O=Tsunagi Test,C=JP';
const residentChanged = (linkageId: string, sequence: number, data: object = {}) =>
  anEvent('ResidentRecordChanged', { data: { linkageId, sequence, changeType: 'REGISTRATION', ...data } });
const itemPublished = (linkageId: string, provider: string, sequence: number, municipalTax: bigint) =>
  anEvent('InformationItemPublished', {
    data: {
      linkageId,
      provider,
      sequence,
      payload: { fiscalYear: 2024, taxableIncome: 1n, municipalTax, prefecturalTax: 1n },
    },
  });
const itemWithdrawn = (linkageId: string, provider: string, sequence: number) =>
  anEvent('InformationItemWithdrawn', {
    data: { linkageId, provider, sequence, itemKind: 'LOCAL_TAX_INCOME' },
  });
const consent = (type: 'ConsentGranted' | 'ConsentRevoked', linkageId: string, consentId: string) =>
  anEvent(type, { data: { linkageId, consentId } });
const certificateRevoked = (serialNumber: string, revokedAt: string) =>
  anEvent('CertificateRevoked', { data: { issuer: ISSUER, serialNumber, revokedAt: new Date(revokedAt) } });
const disclosureRecorded = (linkageId: string, n: number) =>
  anEvent('DisclosureRecorded', {
    data: { linkageId },
    envelope: { eventId: `dr-${linkageId}-${n}`, recordedAt: new Date(Date.UTC(2025, 3, 1, 0, n)) },
  });
const metrics = createProjectionMetrics();
const residents = Array.from({ length: 20 }, (_, i) => `lk_int_${String(i).padStart(4, '0')}`);

const agencyCode = (n: number): AgencyCodeIssued => ({
  codeKind: 'AGENCY_CODE',
  agencyId: 'jps',
  agencyCode: `AC1-v1-${'A'.repeat(31)}${'BCDEFG'[n % 6]}`,
  keyVersion: 1,
  sealedLinkageId: randomBytes(40),
  nonce: randomBytes(12),
  sealKeyVersion: 1,
  issuedAt: 1_743_465_600_000 + n,
});

describe('projections on real Kafka', () => {
  let admin: Admin;
  let topics: string[];
  let store: EventStore;
  let root: string;
  let runners: LmdbRunner[];
  let views: ProjectionViews;
  const codes = [0, 1, 2].map(agencyCode);
  const full = (topic: Parameters<EventStore['topic']>[0]) => store.topic(topic);

  const waitCaughtUp = async (name: ProjectionName, storeRoot = root) => {
    const ends = await endOffsets(store, VIEWS[name].topics);
    await waitUntil(
      async () => reached(await storedOffsets(storeRoot, name), ends),
      60_000,
      `${name} to catch up`,
    );
  };
  const dumpOf = async (storeRoot: string, name: ProjectionName) => {
    const generation = currentGeneration(storeRoot, name);
    if (!generation) throw new Error(`no store for ${name}`);
    const opened = openStoreAt(generation, { readOnly: true });
    const dump = opened.dump();
    await opened.close();
    return dump;
  };

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    const prefix = `${uniqueName('projections')}.`;
    topics = await createViewTopics(admin, prefix);
    store = testStore({ ...config, TOPIC_PREFIX: prefix });
    root = mkdtempSync(join(tmpdir(), 'tsunagi-projections-live-'));
    await produceEvents(store, [
      ...residents.map((id) => residentChanged(id, 1)),
      ...residents.map((id) =>
        residentChanged(id, 2, {
          changeType: 'MOVE_IN',
          address: { municipalityCode: '271004', prefecture: '大阪府', city: '大阪市', street: '北区1-1' },
        }),
      ),
    ]);
    await produceEvents(store, [
      ...residents.flatMap((id) =>
        [1, 2, 3].map((seq) => itemPublished(id, '131016', seq, BigInt(seq * 1000))),
      ),
      itemWithdrawn(residents[0] as string, '131016', 4),
    ]);
    await produceEvents(store, [
      consent('ConsentGranted', residents[1] as string, 'consent-int-1'),
      consent('ConsentGranted', residents[1] as string, 'consent-int-2'),
      consent('ConsentRevoked', residents[1] as string, 'consent-int-2'),
    ]);
    await produceEvents(store, [
      certificateRevoked('0a1b', '2025-03-01T00:00:00.000Z'),
      certificateRevoked('0a1b', '2025-03-05T00:00:00.000Z'),
    ]);
    await produceEvents(
      store,
      Array.from({ length: 30 }, (_, n) => disclosureRecorded(residents[n % 3] as string, n)),
    );
    await produceAgencyCodes(store, [...codes, codes[0] as AgencyCodeIssued]);

    runners = PROJECTION_NAMES.map((name) =>
      createLmdbRunner({ view: VIEWS[name], store, storeRoot: root, logger, metrics }),
    );
    for (const runner of runners) await runner.start();
    for (const name of PROJECTION_NAMES) await waitCaughtUp(name);
    views = openProjectionViews({ storeRoot: root, refreshMs: 0, readOnly: false });
  });

  afterAll(async () => {
    await views?.close();
    await Promise.allSettled((runners ?? []).map((runner) => runner.stop()));
    await store?.close();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the views the gateway reads', () => {
    const [first, second] = residents as [string, string];
    expect(views.residentRecord(second)).toMatchObject({
      status: 'RESIDENT',
      currentMunicipality: '271004',
      previousMunicipality: '131016',
      sequence: 2,
    });
    expect(views.latestItem(second, '131016', 'LOCAL_TAX_INCOME')).toMatchObject({
      sequence: 3,
      payload: { municipalTax: 3000n },
    });
    expect(views.latestItem(first, '131016', 'LOCAL_TAX_INCOME')).toBeUndefined();
    expect(views.itemsOf(first).history.map((h) => h.action)).toEqual([
      'PUBLISHED',
      'PUBLISHED',
      'PUBLISHED',
      'WITHDRAWN',
    ]);
    expect(views.consentsOf(second).map((c) => [c.consentId, c.revoked === null])).toEqual([
      ['consent-int-1', true],
      ['consent-int-2', false],
    ]);
    expect(views.isRevoked(ISSUER, '0a1b')).toEqual({
      revoked: true,
      since: new Date('2025-03-01T00:00:00.000Z'),
      reason: 'keyCompromise',
    });
    expect(views.isRevoked(ISSUER, 'ffff')).toEqual({ revoked: false });
    const trail = views.trailOf(first, { limit: 4 });
    expect(trail.entries.map((e) => e.eventId)).toEqual([27, 24, 21, 18].map((n) => `dr-${first}-${n}`));
    expect(trail.entries[0]?.position.topic).toBe(full(Topics.accessTrail));
    expect(views.trailOf(first, { limit: 100, before: trail.nextBefore ?? undefined }).entries).toHaveLength(
      6,
    );
    const code = codes[1] as AgencyCodeIssued;
    expect(views.codeRecord('AGENCY_CODE', 'jps', code.agencyCode)?.nonce).toEqual(code.nonce);
    expect(views.gaps()).toEqual([]);
  });

  it('replay from offset zero equals the live views, key for key', async () => {
    const replayRoot = mkdtempSync(join(tmpdir(), 'tsunagi-projections-replay-'));
    try {
      for (const name of PROJECTION_NAMES) {
        await replayView({ view: VIEWS[name], store, storeRoot: replayRoot, logger });
        expect(comparable(await dumpOf(replayRoot, name))).toBe(comparable(await dumpOf(root, name)));
      }
    } finally {
      rmSync(replayRoot, { recursive: true, force: true });
    }
  });

  it('a duplicate event changes nothing and is counted', async () => {
    const duplicatesBefore =
      (await metrics.duplicates.get()).values.find((v) => v.labels.projection === 'information-items')
        ?.value ?? 0;
    const before = await dumpOf(root, 'information-items');
    await produceEvents(store, [itemPublished(residents[5] as string, '131016', 3, 999n)]);
    await waitCaughtUp('information-items');
    const after = await dumpOf(root, 'information-items');
    expect(comparable({ ...after, offsets: [] })).toBe(comparable({ ...before, offsets: [] }));
    const duplicatesAfter = (await metrics.duplicates.get()).values.find(
      (v) => v.labels.projection === 'information-items',
    )?.value;
    expect(duplicatesAfter).toBe(duplicatesBefore + 1);
  });

  it('a sequence gap is listed and counted, and other residents go on', async () => {
    const [gapped, other] = ['lk_int_gap_a', 'lk_int_gap_b'];
    await produceEvents(store, [
      residentChanged(gapped, 1),
      residentChanged(other, 1),
      residentChanged(gapped, 2),
      residentChanged(gapped, 4, { changeType: 'NAME_CHANGE', name: '改名 花子' }),
      residentChanged(other, 2),
      residentChanged(other, 3, { changeType: 'DEATH' }),
    ]);
    await waitCaughtUp('resident-records');
    expect(views.gaps()).toEqual([
      expect.objectContaining({
        projection: 'resident-records',
        stream: `resident/${gapped}`,
        expected: 3,
        got: 4,
      }),
    ]);
    expect(views.gaps()[0]?.at.topic).toBe(full(Topics.residentRecords));
    const gapCount = (await metrics.gaps.get()).values.find(
      (v) => v.labels.projection === 'resident-records',
    );
    expect(gapCount?.value).toBe(1);
    expect(views.residentRecord(gapped)).toMatchObject({ name: '改名 花子', sequence: 4 });
    expect(views.residentRecord(other)).toMatchObject({ status: 'DECEASED', sequence: 3 });
  });

  it('a replay promoted under a live runner is picked up by the runner and by readers', async () => {
    const before = currentGeneration(root, 'information-items');
    await replayView({ view: VIEWS['information-items'], store, storeRoot: root, logger });
    expect(currentGeneration(root, 'information-items')).not.toBe(before);
    const id = residents[7] as string;
    await produceEvents(store, [itemPublished(id, '131016', 4, 4000n)]);
    await waitUntil(
      () => views.latestItem(id, '131016', 'LOCAL_TAX_INCOME')?.sequence === 4,
      30_000,
      'the new item',
    );
    expect(views.itemsOf(id).history).toHaveLength(4);
  });
});
