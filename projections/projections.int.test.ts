import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgencyCodeIssued } from '../identity/event-log.js';
import { createEventWire } from '../platform/event-wire.js';
import { testConfig, testKafka, testLogger, uniqueName } from '../tests/support/infra.js';
import { PROJECTION_NAMES, type ProjectionName, type ProjectionTopics, projectionsFor } from './catalogue.js';
import { currentGeneration } from './generations.js';
import { createProjectionMetrics } from './metrics.js';
import { endOffsets, replayProjection } from './replay.js';
import { createProjectionRunner, type ProjectionRunner } from './runner.js';
import { openStoreAt } from './store.js';
import {
  certificateRevoked,
  consentGranted,
  consentRevoked,
  disclosureRecorded,
  itemPublished,
  itemWithdrawn,
  residentChanged,
} from './testing/events.js';
import {
  comparable,
  createProjectionTopics,
  produceAgencyCodes,
  produceEvents,
  reached,
  storedOffsets,
  waitUntil,
} from './testing/kafka.js';
import { openProjectionViews, type ProjectionViews } from './views.js';

const config = testConfig();
const kafka = testKafka(config);
const wire = createEventWire(config);
const logger = testLogger();
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
  let topics: ProjectionTopics;
  let root: string;
  let runners: ProjectionRunner[];
  let views: ProjectionViews;
  const codes = [0, 1, 2].map(agencyCode);

  const projections = () => projectionsFor(topics);
  const waitCaughtUp = async (name: ProjectionName, storeRoot = root) => {
    const ends = await endOffsets(kafka, projections()[name].topics);
    await waitUntil(
      async () => reached(await storedOffsets(storeRoot, name), ends),
      60_000,
      `${name} to catch up`,
    );
  };
  const dumpOf = async (storeRoot: string, name: ProjectionName) => {
    const generation = currentGeneration(storeRoot, name);
    if (!generation) throw new Error(`no store for ${name}`);
    const store = openStoreAt(generation, { tables: projections()[name].tables, readOnly: true });
    const dump = store.dump();
    await store.close();
    return dump;
  };

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    topics = await createProjectionTopics(admin, `${uniqueName('projections')}.`);
    root = mkdtempSync(join(tmpdir(), 'tsunagi-projections-live-'));
    await produceEvents(kafka, wire, topics.residentRecords, [
      ...residents.map((id) => residentChanged(id, 1)),
      ...residents.map((id) =>
        residentChanged(id, 2, {
          changeType: 'MOVE_IN',
          address: { municipalityCode: '271004', prefecture: '大阪府', city: '大阪市', street: '北区1-1' },
        }),
      ),
    ]);
    await produceEvents(kafka, wire, topics.informationItems, [
      ...residents.flatMap((id) =>
        [1, 2, 3].map((seq) => itemPublished(id, '131016', seq, BigInt(seq * 1000))),
      ),
      itemWithdrawn(residents[0] as string, '131016', 4),
    ]);
    await produceEvents(kafka, wire, topics.consents, [
      consentGranted(residents[1] as string, 'consent-int-1'),
      consentGranted(residents[1] as string, 'consent-int-2'),
      consentRevoked(residents[1] as string, 'consent-int-2'),
    ]);
    await produceEvents(kafka, wire, topics.certificateStatus, [
      certificateRevoked('0a1b', '2025-03-01T00:00:00.000Z'),
      certificateRevoked('0a1b', '2025-03-05T00:00:00.000Z'),
    ]);
    await produceEvents(
      kafka,
      wire,
      topics.accessTrail,
      Array.from({ length: 30 }, (_, n) => disclosureRecorded(residents[n % 3] as string, n)),
    );
    await produceAgencyCodes(kafka, wire, topics.agencyCodes, [...codes, codes[0] as AgencyCodeIssued]);

    runners = Object.values(projections()).map((projection) =>
      createProjectionRunner({ projection, kafka, storeRoot: root, wire, logger, metrics }),
    );
    for (const runner of runners) await runner.start();
    for (const name of PROJECTION_NAMES) await waitCaughtUp(name);
    views = openProjectionViews({ storeRoot: root, refreshMs: 0, readOnly: false });
  });

  afterAll(async () => {
    await views?.close();
    await Promise.allSettled((runners ?? []).map((runner) => runner.stop()));
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
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
    expect(views.isRevoked('CN=Test JPKI CA,O=Tsunagi Test,C=JP', '0a1b')).toEqual({
      revoked: true,
      since: new Date('2025-03-01T00:00:00.000Z'),
      reason: 'keyCompromise',
    });
    expect(views.isRevoked('CN=Test JPKI CA,O=Tsunagi Test,C=JP', 'ffff')).toEqual({ revoked: false });
    const trail = views.trailOf(first, { limit: 4 });
    expect(trail.entries.map((e) => e.eventId)).toEqual([27, 24, 21, 18].map((n) => `dr-${first}-${n}`));
    expect(trail.entries[0]?.position.topic).toBe(topics.accessTrail);
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
        const projection = projections()[name];
        await replayProjection({ projection, kafka, storeRoot: replayRoot, wire, logger });
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
    await produceEvents(kafka, wire, topics.informationItems, [
      itemPublished(residents[5] as string, '131016', 3, 999n),
    ]);
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
    await produceEvents(kafka, wire, topics.residentRecords, [
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
    expect(views.gaps()[0]?.at.topic).toBe(topics.residentRecords);
    const gapCount = (await metrics.gaps.get()).values.find(
      (v) => v.labels.projection === 'resident-records',
    );
    expect(gapCount?.value).toBe(1);
    expect(views.residentRecord(gapped)).toMatchObject({ name: '改名 花子', sequence: 4 });
    expect(views.residentRecord(other)).toMatchObject({ status: 'DECEASED', sequence: 3 });
  });

  it('a replay promoted under a live runner is picked up by the runner and by readers', async () => {
    const projection = projections()['information-items'];
    const before = currentGeneration(root, 'information-items');
    await replayProjection({ projection, kafka, storeRoot: root, wire, logger });
    expect(currentGeneration(root, 'information-items')).not.toBe(before);
    const id = residents[7] as string;
    await produceEvents(kafka, wire, topics.informationItems, [itemPublished(id, '131016', 4, 4000n)]);
    await waitUntil(
      () => views.latestItem(id, '131016', 'LOCAL_TAX_INCOME')?.sequence === 4,
      30_000,
      'the new item',
    );
    expect(views.itemsOf(id).history).toHaveLength(4);
  });
});
