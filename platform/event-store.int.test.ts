import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TsunagiError } from '../core/errors.js';
import type { TsunagiEvent } from '../schemas/events.js';
import { anEvent } from '../schemas/testing/events.js';
import { AGENCY_NOTIFICATION_SPEC, agencyNotificationTopic, Topics } from '../schemas/topics.js';
import { quietStore, testKafka, testStore } from '../tests/support/infra.js';
import { readTopic } from '../tests/support/read-topic.js';
import { isolatedTopics } from '../tests/support/topics.js';
import type { InfraConfig } from './config.js';
import type { EventStore, FollowFrom, ReadRecord } from './event-store.js';

/** The event store on real Kafka and the registry: routing, positions, and the reader's three offset owners. */
let config: InfraConfig;
let store: EventStore;
/** The partition of resident-records that holds this test's resident. */
let partition: number;

beforeAll(async () => {
  config = await isolatedTopics('event-store');
  store = testStore(config);
});
afterAll(async () => {
  await store?.close();
});

const changed = (sequence: number) =>
  anEvent('ResidentRecordChanged', { data: { linkageId: 'lk_store_1', sequence } });

/** Reads `topics` with `from` until `count` records were handed over, then stops. */
async function take(
  from: FollowFrom,
  count: number,
  reader: EventStore = store,
): Promise<Array<ReadRecord<TsunagiEvent>>> {
  const seen: Array<ReadRecord<TsunagiEvent>> = [];
  let enough: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    enough = resolve;
  });
  const following = await reader.follow([Topics.residentRecords], from, (batch) => {
    seen.push(...batch.records);
    if (seen.length >= count) enough();
  });
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 20_000))]);
  await following.stop();
  return seen.sort((a, b) => Number(BigInt(a.position.offset) - BigInt(b.position.offset)));
}

describe('the event store', () => {
  it('routes each entry to its topic, keyed, and answers each with the position it was written at', async () => {
    const notice = anEvent('AgencyNotified', { data: { recipient: 'jps' } });
    await store.ensureTopics([{ ...AGENCY_NOTIFICATION_SPEC, name: agencyNotificationTopic('jps') }], 1);
    const entries = [
      changed(1),
      anEvent('ConsentGranted'),
      notice,
      { topic: Topics.trailCheckpoints, key: 'origin', value: 'a signed note\n' },
      changed(2),
    ] as const;
    const positions = await store.append(entries);
    expect(positions.map((p) => p.topic)).toEqual([
      store.topic(Topics.residentRecords),
      store.topic(Topics.consents),
      store.topic(agencyNotificationTopic('jps')),
      store.topic(Topics.trailCheckpoints),
      store.topic(Topics.residentRecords),
    ]);
    // One resident's events share a partition, in the order appended.
    partition = positions[0]?.partition ?? -1;
    expect(positions[4]?.partition).toBe(positions[0]?.partition);
    expect(BigInt(positions[4]?.offset ?? -1)).toBe(BigInt(positions[0]?.offset ?? 0) + 1n);

    const kafka = testKafka(config);
    const at = async (i: number) => {
      const position = positions[i];
      const records = await readTopic(kafka, position?.topic ?? '');
      return records.find((r) => r.partition === position?.partition && r.offset === position?.offset);
    };
    const notified = await at(2);
    expect(notified?.key?.toString()).toBe(notice.data.agencyCode);
    expect(notified?.headers).toMatchObject({
      'event-type': 'AgencyNotified',
      'event-id': notice.envelope.eventId,
    });
    expect((await at(3))?.value?.toString()).toBe('a signed note\n');
    expect((await at(0))?.key?.toString()).toBe('lk_store_1');
  });

  it('catches up from the earliest offset, then follows what comes after', async () => {
    const seen: string[] = [];
    const following = await store.follow(
      [Topics.residentRecords],
      { kind: 'earliest', groupPrefix: 'test-earliest-' },
      (batch) => {
        for (const r of batch.records) if (r.kind === 'event') seen.push(r.event.envelope.eventId);
      },
    );
    await following.caughtUp;
    expect(seen).toEqual([changed(1), changed(2)].map((e) => e.envelope.eventId));
    await store.append([changed(3)]);
    await following.catchUp(20_000);
    expect(seen).toHaveLength(3);
    await following.stop();
    await expect(following.done).resolves.toBeUndefined();
  });

  it('starts where the state says (stored offsets) and commits nothing', async () => {
    const group = `test-stored-${randomUUID()}`;
    const offsetOf = (_topic: string, p: number) => (p === partition ? '1' : undefined);
    const from: FollowFrom = { kind: 'stored', group, offsetOf };
    const first = await take(from, 2);
    expect(first.map((r) => r.position.offset)).toEqual(['1', '2']);
    expect((await take(from, 2)).map((r) => r.position.offset)).toEqual(['1', '2']);
  });

  it('resumes a group after its committed offsets (at least once, owned by the group)', async () => {
    const group = `test-committed-${randomUUID()}`;
    const from: FollowFrom = { kind: 'committed', group, initial: 'earliest' };
    expect(await take(from, 3)).toHaveLength(3);
    await store.append([changed(4)]);
    const next = await take(from, 1);
    expect(next.map((r) => r.kind === 'event' && r.event.data)).toEqual([
      expect.objectContaining({ sequence: 4 }),
    ]);
  });

  it('hands an undecodable record over as rejected, with its code, and goes on', async () => {
    await store.append([{ topic: Topics.residentRecords, key: 'lk_store_1', value: 'not a framed record' }]);
    await store.append([changed(5)]);
    // The undecodable record is logged on purpose: this reader logs nothing (quietStore).
    const quiet = quietStore(config);
    const all = await take({ kind: 'earliest', groupPrefix: 'test-rejected-' }, 6, quiet).finally(() =>
      quiet.close(),
    );
    expect(all.map((r) => r.kind)).toEqual(['event', 'event', 'event', 'event', 'rejected', 'event']);
    expect(all[4]).toMatchObject({ kind: 'rejected', code: 'INPUT_INVALID' });
  });

  it('stops on an error of the handler that may not pass, and `done` rejects with that very error', async () => {
    const full = new TsunagiError('STORE_FULL', 'a store of this test is full', {
      cause: Object.assign(new Error('Input/output error'), { code: 5 }),
    });
    const following = await store.follow(
      [Topics.residentRecords],
      { kind: 'earliest', groupPrefix: 'test-stops-' },
      () => {
        throw full;
      },
    );
    await expect(following.done).rejects.toBe(full);
    await following.stop();
  });
});
