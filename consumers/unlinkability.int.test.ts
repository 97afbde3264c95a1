import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResidentRecord } from '../core/resident/index.js';
import type { LinkageId } from '../identity/linkage-id.js';
import type { AgencyNotified } from '../schemas/events.js';
import { anEvent } from '../schemas/testing/events.js';
import { testLogger } from '../tests/support/infra.js';
import { readTopic, type TopicRecord } from '../tests/support/read-topic.js';
import { waitForCounts } from '../tests/support/wait-for-counts.js';
import { agencyTopic } from './notification-publisher.js';
import { type SubscriptionHarness, startSubscriptionHarness } from './testing/harness.js';
import { resident, SUBSCRIPTIONS } from './testing/subscribers.js';

/**
 * Issue 10 item 5. Two agencies hear about overlapping residents: jps (basic four information, every
 * record change) and vehicle-registration (only the address, only when it moves). Each knows a
 * resident by its own code. An agency that obtains the other's topic tries to pair the two codes of
 * one resident by joining the topics on every envelope field, the Kafka record timestamp, key,
 * headers, partition and position. We measure how many residents such a join pairs correctly.
 *
 * Measure: for each vehicle-registration record, the attacker takes the jps records with the same
 * value and picks one at random (any jps record if none has it); the expected number of correct
 * picks is summed over the residents both agencies heard about.
 * Chance baseline: picking a jps record blindly, i.e. common residents / jps records (225 / 300 =
 * 0.75 resident here). Allowed: chance + 6 residents (a blind guesser reaches that with probability < 1e-4).
 * Order is measured directly too: of the resident pairs that share a partition on both topics, the
 * share whose order agrees (50% for independent random orders).
 * The previous design (source time in occurredAt, send time in recordedAt, source order) fails:
 * occurredAt pairs 45 of 225, recordedAt 225 of 225, and 100% of pairs agree in order.
 */
const RESIDENTS = 300;
const ALLOWANCE = 6;
const _logger = testLogger();
const day = 24 * 60 * 60 * 1000;

/** Three in four residents move (both agencies hear), one in four changes name (jps only). */
const residents = Array.from({ length: RESIDENTS }, (_, i) => {
  const { linkageId, record } = resident();
  const change = anEvent('ResidentRecordChanged', {
    data: { linkageId: linkageId, changeType: i % 4 === 3 ? 'NAME_CHANGE' : 'MOVE_IN', sequence: 8 },
    envelope: { eventId: `src-${randomUUID()}` },
  });
  // Effective dates spread over 60 days, as a month or two of registry changes are.
  const occurredAt = new Date(Date.parse('2025-01-01T00:00:00+09:00') + ((i * 7) % 60) * day);
  return {
    linkageId,
    record,
    event: { ...change, envelope: { ...change.envelope, occurredAt, recordedAt: new Date() } },
  };
});

const records = new Map<string, ResidentRecord>(residents.map((r) => [r.linkageId, r.record]));

interface Received {
  resident: string;
  message: TopicRecord;
  event: AgencyNotified;
  /** Index in the topic read in arrival order: offset first, then partition. */
  arrival: number;
}

type Feature = (r: Received, all: readonly Received[]) => string;
const FEATURES: Record<string, Feature> = {
  'envelope.eventId': (r) => r.event.envelope.eventId,
  'envelope.occurredAt': (r) => r.event.envelope.occurredAt.toISOString(),
  'envelope.recordedAt': (r) => r.event.envelope.recordedAt.toISOString(),
  'envelope.producer': (r) => r.event.envelope.producer,
  'envelope.correlationId': (r) => r.event.envelope.correlationId,
  'envelope.type': (r) => r.event.type,
  'record timestamp': (r) => r.message.timestamp,
  'record key': (r) => r.message.key?.toString('hex') ?? '',
  'header event-type': (r) => String(r.message.headers?.['event-type']),
  'header event-id': (r) => String(r.message.headers?.['event-id']),
  'header names': (r) => Object.keys(r.message.headers ?? {}).join(','),
  partition: (r) => String(r.message.partition),
  offset: (r) => r.message.offset,
  'partition and offset': (r) => `${r.message.partition}/${r.message.offset}`,
  'k-th record in arrival order': (r) => String(r.arrival),
  // The same relative place in the stream: which twentieth of the topic the record arrived in.
  'arrival twentieth': (r, all) => String(Math.floor((r.arrival / all.length) * 20)),
  // Each partition is a sample of the agency's sequence, so a record's relative place in its own
  // partition estimates its place in that sequence: the place an order-preserving design leaks.
  'twentieth of its partition': (r, all) => {
    const peers = all.filter((p) => p.message.partition === r.message.partition);
    const rank = peers.filter((p) => BigInt(p.message.offset) < BigInt(r.message.offset)).length;
    return String(Math.floor((rank / peers.length) * 20));
  },
};

/** Expected number of residents a join on `feature` pairs correctly (see the file comment). */
function linkedResidents(a: readonly Received[], b: readonly Received[], feature: Feature): number {
  const byValue = new Map<string, Received[]>();
  for (const r of b) byValue.set(feature(r, b), [...(byValue.get(feature(r, b)) ?? []), r]);
  const partnerOf = new Map(b.map((r) => [r.resident, r]));
  let linked = 0;
  for (const r of a) {
    const partner = partnerOf.get(r.resident);
    if (!partner) continue;
    const candidates = byValue.get(feature(r, a)) ?? b;
    if (candidates.includes(partner)) linked += 1 / candidates.length;
  }
  return linked;
}

describe('agencies cannot link residents across their notification topics', () => {
  let harness: SubscriptionHarness | undefined;
  const received = new Map<string, Received[]>();

  beforeAll(async () => {
    harness = await startSubscriptionHarness({
      name: 'unlinkable',
      sources: residents.map((r) => r.event),
      subscriptions: SUBSCRIPTIONS.filter(
        (s) => s.agencyId === 'jps' || s.agencyId === 'vehicle-registration',
      ),
      residentRecord: (linkageId) => records.get(linkageId),
    });
    const { config, kafka, wire, hub } = harness;
    const moved = residents.filter((r) => r.event.data.changeType === 'MOVE_IN').length;
    const wanted = { jps: RESIDENTS, 'vehicle-registration': moved };
    await waitForCounts(
      kafka,
      new Map(Object.entries(wanted).map(([a, n]) => [agencyTopic(config.TOPIC_PREFIX, a), n])),
      120_000,
    );
    for (const agency of Object.keys(wanted)) {
      const residentOf = new Map<string, string>();
      for (const r of residents)
        residentOf.set(await hub.codes.issueAgencyCode(agency, r.linkageId as LinkageId), r.linkageId);
      const messages = await readTopic(kafka, agencyTopic(config.TOPIC_PREFIX, agency));
      const inArrival = [...messages].sort(
        (x, y) => Number(BigInt(x.offset) - BigInt(y.offset)) || x.partition - y.partition,
      );
      received.set(
        agency,
        await Promise.all(
          inArrival.map(async (message, arrival) => {
            const event = (await wire.decode(message.value as Buffer)) as AgencyNotified;
            return { resident: residentOf.get(event.data.agencyCode) ?? '?', message, event, arrival };
          }),
        ),
      );
    }
  }, 180_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('delivered each agency its own residents under its own codes', () => {
    const jps = received.get('jps') ?? [];
    const vehicle = received.get('vehicle-registration') ?? [];
    expect(jps).toHaveLength(RESIDENTS);
    expect(vehicle).toHaveLength((RESIDENTS * 3) / 4);
    expect(new Set(jps.map((r) => r.resident)).size).toBe(RESIDENTS);
    expect(vehicle.every((r) => r.resident !== '?' && jps.some((j) => j.resident === r.resident))).toBe(true);
  });

  it.each(Object.keys(FEATURES))('pairs no more residents than chance by joining on %s', (name) => {
    const jps = received.get('jps') ?? [];
    const vehicle = received.get('vehicle-registration') ?? [];
    const common = vehicle.length;
    const chance = common / jps.length;
    const linked = linkedResidents(vehicle, jps, FEATURES[name] as Feature);
    expect(chance).toBe(0.75);
    expect(
      linked,
      `${name}: ${linked.toFixed(2)} of ${common} residents paired; chance ${chance}`,
    ).toBeLessThanOrEqual(chance + ALLOWANCE);
  });

  it('orders each round independently per agency: resident pairs both topics show in order agree half the time', () => {
    // An order-preserving design (the previous one) agrees on every such pair: the sequences align.
    const jps = new Map((received.get('jps') ?? []).map((r) => [r.resident, r.message]));
    const vehicle = received.get('vehicle-registration') ?? [];
    const precedes = (x: TopicRecord, y: TopicRecord) => BigInt(x.offset) < BigInt(y.offset);
    let pairs = 0;
    let agreeing = 0;
    for (const [i, a] of vehicle.entries()) {
      for (const b of vehicle.slice(i + 1)) {
        const [ja, jb] = [jps.get(a.resident), jps.get(b.resident)];
        if (!ja || !jb || ja.partition !== jb.partition || a.message.partition !== b.message.partition)
          continue;
        pairs++;
        if (precedes(a.message, b.message) === precedes(ja, jb)) agreeing++;
      }
    }
    expect(pairs).toBeGreaterThan(1_000);
    // Under independent random orders about 50%, with a standard deviation near 1 point here.
    expect(Math.abs(agreeing / pairs - 0.5), `${agreeing} of ${pairs} pairs agree`).toBeLessThan(0.1);
  });

  it('keeps, shared at fine grain, only the content both are entitled to (the change’s effective date)', () => {
    const vehicle = received.get('vehicle-registration') ?? [];
    const jps = received.get('jps') ?? [];
    for (const r of vehicle) {
      const partner = jps.find((j) => j.resident === r.resident) as Received;
      const envelopeShared = (
        Object.keys(r.event.envelope) as Array<keyof AgencyNotified['envelope']>
      ).filter((k) => String(r.event.envelope[k]) === String(partner.event.envelope[k]));
      // The day of delivery and the producer's name are the same for every record of the day.
      expect(envelopeShared.sort()).toEqual(['occurredAt', 'producer', 'recordedAt']);
      expect(r.event.data.effectiveDate).toBe(partner.event.data.effectiveDate);
    }
  });
});
