import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../platform/event-store.js';
import type { DisclosureRecorded } from '../../schemas/events.js';
import { anEvent } from '../../schemas/testing/events.js';
import {
  createTestTopic,
  quietLogger,
  quietStore,
  testConfig,
  testKafka,
  testStore,
} from '../../tests/support/infra.js';
import { readTopic } from '../../tests/support/read-topic.js';
import { createDisclosureRecorder } from '../recorder.js';
import { leafHash } from './hashing.js';
import { kafkaTrailEntries, readTrailEntry } from './kafka-entries.js';
import { createTrailLogProver } from './prover.js';
import { createTrailSubjectKeys, publicEntryBytes } from './public-entry.js';
import { startTrailLogService, type TrailLogService } from './service.js';
import { createNoteSigner, generateSignerKey } from './signer.js';
import { openTrailLogStore, type TrailLogStore } from './store.js';
import { testDisclosure } from './testdata/disclosures.js';
import { referenceRoot } from './testdata/memory-tiles.js';
import { parseVerifierKey, type VerifierKey } from './verifier/note.js';
import { verifyCheckpoint, verifyEntryInclusion, verifyLogConsistency } from './verifier/verify.js';

const config = testConfig();
const kafka = testKafka(config);
// The last test stops the service on purpose (a record that is not a disclosure): this file's
// clients and the service log nothing (tests/support/infra.ts, quietLogger).
const logger = quietLogger();
const keys = generateSignerKey('test.tsunagi.localhost/access-trail');
const signer = createNoteSigner(keys.signerKey);
const subjects = createTrailSubjectKeys(new Uint8Array(32).fill(7));
const entryOf = (event: DisclosureRecorded) => publicEntryBytes(event, subjects);

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the Merkle log over a real single-partition trail topic', () => {
  let admin: Admin;
  let trailTopic: string;
  let checkpointTopic: string;
  let dir: string;
  let store: TrailLogStore;
  let service: TrailLogService;
  let key: VerifierKey;
  const recorded: DisclosureRecorded[] = [];
  let log: EventStore;
  const recorder = () => createDisclosureRecorder({ store: log, logger });

  const record = async (from: number, to: number) => {
    const rec = recorder();
    const events = Array.from({ length: to - from }, (_, i) => testDisclosure(from + i));
    const positions = await Promise.all(events.map((event) => rec.record(event)));
    await rec.close();
    for (const [i, position] of positions.entries())
      recorded[Number(position.offset)] = events[i] as DisclosureRecorded;
  };
  const start = async () => {
    store = openTrailLogStore(dir);
    service = await startTrailLogService({
      log,
      store,
      signer,
      subjects,
      checkpointIntervalMs: 60_000,
      logger,
    });
  };
  const integrated = (size: number) =>
    until(
      () => service.status(),
      (s) => s.integratedSize >= size && s.sequencedSize >= size,
      `size ${size}`,
    );

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    trailTopic = await createTestTopic(admin, 'merkle-trail', 1);
    checkpointTopic = await createTestTopic(admin, 'merkle-checkpoints', 1);
    log = quietStore(config, {
      topicNames: { 'access-trail': trailTopic, 'trail-checkpoints': checkpointTopic },
      lingerMs: 5,
    });
    dir = mkdtempSync(join(tmpdir(), 'tsunagi-trail-log-int-'));
    const parsed = await parseVerifierKey(signer.verifierKey);
    if (!parsed.ok) throw new Error(parsed.detail);
    key = parsed.key;
    await start();
  });
  afterAll(async () => {
    await service?.stop();
    await store?.close();
    await log?.close();
    await admin.deleteTopics({ topics: [trailTopic, checkpointTopic] }).catch(() => undefined);
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('integrates what the recorder sequenced, publishes a signed checkpoint, and proves an entry', async () => {
    await record(0, 50);
    expect(await integrated(50)).toMatchObject({ sequencedSize: 50, integratedSize: 50, pending: 0 });
    const leaves = recorded.map((event) => leafHash(entryOf(event)));
    expect(store.integrated().root).toEqual(referenceRoot(leaves));

    const published = await service.publisher.publishNow();
    const messages = await readTopic(kafka, checkpointTopic);
    expect(messages.map((m) => m.value?.toString('utf8'))).toEqual([published?.note]);
    expect(messages[0]?.key?.toString()).toBe(signer.name);
    expect(await verifyCheckpoint(published?.note as string, key)).toMatchObject({
      ok: true,
      checkpoint: { size: 50 },
    });

    const entry = await readTrailEntry({ store: log, subjects, index: 17, logger });
    expect(entry).toEqual(entryOf(recorded[17] as DisclosureRecorded));
    // The store keeps each integrated entry's bytes beside its tiles, for the gateway's readers.
    expect(store.entry(17)).toEqual(entry);
    expect(store.entry(50)).toBeUndefined();
    const text17 = new TextDecoder().decode(entry);
    for (const linking of [recorded[17]?.data.linkageId, recorded[17]?.envelope.correlationId])
      expect(text17).not.toContain(linking);
    const proof = createTrailLogProver(store).inclusion(17, 50);
    expect(
      await verifyEntryInclusion({ entry, proof, checkpoint: published?.note as string, key }),
    ).toMatchObject({
      ok: true,
      index: 17,
    });
    const text = await service.metrics.metrics();
    expect(text).toContain('trail_log_sequenced_size 50');
    expect(text).toContain('trail_log_integrated_size 50');
  });

  it('continues after a restart from the stored state, and proves the log only grew', async () => {
    const first = store.latestCheckpoint()?.note as string;
    await service.stop();
    await store.close();
    await record(50, 70);
    await start();
    expect(store.integrated().size).toBe(50);
    expect(await integrated(70)).toMatchObject({ integratedSize: 70, pending: 0 });
    const second = (await service.publisher.publishNow())?.note as string;
    const proof = createTrailLogProver(store).consistency(50, 70);
    expect(await verifyLogConsistency({ older: first, newer: second, proof, key })).toMatchObject({
      ok: true,
    });
    expect(store.integrated().root).toEqual(referenceRoot(recorded.map((e) => leafHash(entryOf(e)))));
    expect(await service.publisher.publishNow()).toBeUndefined();
  });

  it('refuses a trail topic with several partitions, and stops at a record that is not a disclosure', async () => {
    const wide = await createTestTopic(admin, 'merkle-wide', 3);
    const wideLog = testStore(config, { topicNames: { 'access-trail': wide } });
    await expect(kafkaTrailEntries({ store: wideLog, subjects, fromIndex: 0, logger })).rejects.toMatchObject(
      {
        code: 'CONFIG_INVALID',
        message: `the trail topic ${wide} has 3 partitions; the Merkle log needs exactly one (its offsets are the log's indices)`,
      },
    );
    await wideLog.close();
    // A record that is not a disclosure, put on the trail topic behind the event store's back.
    const consent = anEvent('ConsentRevoked');
    await log.append([{ topic: 'access-trail', key: 'k', value: (w) => w.encode(consent) }]);
    await expect(service.following).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: `trail record 70 of ${trailTopic} is a ConsentRevoked, not a DisclosureRecorded`,
    });
    expect(store.integrated().size).toBe(70);
    await admin.deleteTopics({ topics: [wide] }).catch(() => undefined);
  });
});
