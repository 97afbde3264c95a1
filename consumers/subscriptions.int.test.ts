import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResidentRecord } from '../core/resident/index.js';
import type { LinkageId } from '../identity/linkage-id.js';
import type { TestHub } from '../identity/testing/hub.js';
import type { InfraConfig } from '../platform/config.js';
import type { EventWire } from '../platform/event-wire.js';
import type { AgencyNotified, DisclosureRecorded } from '../schemas/events.js';
import { anEvent } from '../schemas/testing/events.js';
import { Topics, topicName } from '../schemas/topics.js';
import { testLogger, testStore } from '../tests/support/infra.js';
import { readTopic, type TopicRecord } from '../tests/support/read-topic.js';
import { waitForCounts } from '../tests/support/wait-for-counts.js';
import { followAgencyNotifications } from './agency-consumer.js';
import { deliveryDay } from './delivery.js';
import { notificationDigest } from './notification.js';
import { agencyTopic, createNotificationPublisher } from './notification-publisher.js';
import { type SubscriptionHarness, startSubscriptionHarness } from './testing/harness.js';
import { resident, SUBSCRIPTIONS } from './testing/subscribers.js';

const logger = testLogger();
const AGENCIES = ['jps', 'hello-work', 'vehicle-registration', '131016'] as const;
/** Chiyoda resident who came from Osaka, and a Sapporo resident who never moved. */
const alice = resident();
const bob = resident();
const views = new Map<string, ResidentRecord>([
  [alice.linkageId, alice.record],
  [bob.linkageId, { ...bob.record, currentMunicipality: '011002', previousMunicipality: null }],
]);
const sources = [
  anEvent('ResidentRecordChanged', {
    data: { linkageId: alice.linkageId, changeType: 'ADDRESS_CHANGE', sequence: 8 },
    envelope: { eventId: `src-${randomUUID()}` },
  }),
  anEvent('InformationItemPublished', {
    data: { linkageId: alice.linkageId, provider: '271004' },
    envelope: { eventId: `src-${randomUUID()}` },
  }),
  anEvent('ResidentRecordChanged', {
    data: { linkageId: bob.linkageId, changeType: 'NAME_CHANGE', sequence: 8 },
    envelope: { eventId: `src-${randomUUID()}` },
  }),
  // Not subscribed by anyone, and tax income from a municipality that is not Alice's previous one.
  anEvent('InformationItemWithdrawn', {
    data: { linkageId: alice.linkageId, provider: 'jps' },
    envelope: { eventId: `src-${randomUUID()}` },
  }),
  anEvent('InformationItemPublished', {
    data: { linkageId: alice.linkageId, provider: '011002' },
    envelope: { eventId: `src-${randomUUID()}` },
  }),
];
/** What the subscriptions and the table allow: agency → residents notified, in source order. */
const EXPECTED: Record<(typeof AGENCIES)[number], string[]> = {
  jps: [alice.linkageId, bob.linkageId],
  'hello-work': [alice.linkageId, bob.linkageId],
  'vehicle-registration': [alice.linkageId],
  '131016': [alice.linkageId],
};

const bytesOf = (m: TopicRecord): Buffer[] => [
  m.key ?? Buffer.alloc(0),
  m.value ?? Buffer.alloc(0),
  ...Object.values(m.headers ?? {}).flatMap((h) =>
    h === undefined ? [] : [Buffer.from(h as Buffer | string)],
  ),
];

describe('subscription service on real Kafka', () => {
  let config: InfraConfig;
  let kafka: Kafka;
  let wire: EventWire;
  let hub: TestHub;
  let harness: SubscriptionHarness | undefined;
  const order: string[] = [];
  const received = new Map<string, Array<{ message: TopicRecord; event: AgencyNotified }>>();
  let trail: Array<{ message: TopicRecord; event: DisclosureRecorded }> = [];

  beforeAll(async () => {
    harness = await startSubscriptionHarness({
      name: 'subscriptions',
      sources,
      subscriptions: SUBSCRIPTIONS,
      residentRecord: (linkageId) => views.get(linkageId),
      // The order in which trail acknowledgements and publications happen, as the service sees them.
      wrap: ({ recorder, publisher }) => ({
        recorder: {
          record: async (event) => {
            const position = await recorder.record(event);
            order.push(`trail ${event.envelope.eventId.slice(3)}`);
            return position;
          },
        },
        publisher: {
          publish: async (notifications) => {
            for (const n of notifications) order.push(`publish ${n.envelope.eventId.slice(3)}`);
            await publisher.publish(notifications);
          },
        },
      }),
    });
    ({ config, kafka, wire, hub } = harness);
    await waitForCounts(
      kafka,
      new Map(AGENCIES.map((a) => [agencyTopic(config.TOPIC_PREFIX, a), EXPECTED[a].length])),
    );
    for (const agency of AGENCIES) {
      const messages = await readTopic(kafka, agencyTopic(config.TOPIC_PREFIX, agency));
      received.set(
        agency,
        await Promise.all(
          messages.map(async (message) => ({
            message,
            event: (await wire.decode(message.value as Buffer)) as AgencyNotified,
          })),
        ),
      );
    }
    const trailMessages = await readTopic(kafka, topicName(config.TOPIC_PREFIX, Topics.accessTrail));
    trail = await Promise.all(
      trailMessages.map(async (message) => ({
        message,
        event: (await wire.decode(message.value as Buffer)) as DisclosureRecorded,
      })),
    );
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('sends each agency exactly what its subscription and the legal basis allow, under its own code', async () => {
    for (const agency of AGENCIES) {
      const got = received.get(agency) ?? [];
      const codes = await Promise.all(
        EXPECTED[agency].map((l) => hub.codes.issueAgencyCode(agency, l as LinkageId)),
      );
      expect(got.map((g) => g.event.data.agencyCode).sort()).toEqual([...codes].sort());
      for (const { message, event } of got) {
        expect(message.key?.toString()).toBe(event.data.agencyCode);
        expect(event.data.recipient).toBe(agency);
      }
    }
    const items = [...received.values()]
      .flat()
      .map((g) => `${g.event.data.recipient}:${g.event.data.itemKind}`);
    expect(items.sort()).toEqual(
      [
        '131016:LOCAL_TAX_INCOME',
        'hello-work:RESIDENT_RECORD',
        'hello-work:RESIDENT_RECORD',
        'jps:BASIC_FOUR_INFORMATION',
        'jps:BASIC_FOUR_INFORMATION',
        'vehicle-registration:ADDRESS',
      ].sort(),
    );
  });

  it('sends nothing to an agency that subscribed without a legal basis', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics().finally(() => admin.disconnect());
    expect(topics).not.toContain(agencyTopic(config.TOPIC_PREFIX, 'isa'));
    expect(trail.some((t) => t.event.data.requester === 'isa')).toBe(false);
  });

  it('never puts a linkage id on an agency topic, and gives two agencies different codes', async () => {
    for (const [agency, got] of received) {
      for (const { message } of got) {
        for (const bytes of bytesOf(message)) {
          for (const linkageId of views.keys())
            expect(bytes.includes(Buffer.from(linkageId)), agency).toBe(false);
        }
      }
    }
    const aliceJps = await hub.codes.issueAgencyCode('jps', alice.linkageId as LinkageId);
    const aliceHelloWork = await hub.codes.issueAgencyCode('hello-work', alice.linkageId as LinkageId);
    expect(aliceJps).not.toBe(aliceHelloWork);
    const codesOn = (agency: string) => received.get(agency)?.map((g) => g.event.data.agencyCode);
    expect(codesOn('jps')).toContain(aliceJps);
    expect(codesOn('hello-work')).toContain(aliceHelloWork);
    // Neither agency's topic carries the other's code for the same resident.
    const bytesOn = (agency: string) => (received.get(agency) ?? []).flatMap((g) => bytesOf(g.message));
    expect(bytesOn('jps').some((b) => b.includes(Buffer.from(aliceHelloWork)))).toBe(false);
    expect(bytesOn('hello-work').some((b) => b.includes(Buffer.from(aliceJps)))).toBe(false);
  });

  it('has a SUBSCRIPTION disclosure on the trail for every notification, acknowledged before it was sent', () => {
    const all = [...received.values()].flat();
    expect(trail).toHaveLength(all.length);
    for (const { message, event } of all) {
      const id = event.envelope.eventId.slice(3);
      const entry = trail.find((t) => t.event.envelope.eventId === `dr-${id}`);
      expect(entry?.event.data).toMatchObject({
        requester: event.data.recipient,
        officeWork: event.data.officeWork,
        legalBasisRowId: event.data.legalBasisRowId,
        itemKind: event.data.itemKind,
        outcome: 'DISCLOSED',
        channel: 'SUBSCRIPTION',
      });
      const digest = entry?.event.data.disclosedDigest;
      expect(digest && Buffer.from(digest).toString('hex')).toBe(
        Buffer.from(notificationDigest(event)).toString('hex'),
      );
      expect(order.indexOf(`trail ${id}`)).toBeGreaterThanOrEqual(0);
      expect(order.indexOf(`trail ${id}`)).toBeLessThan(order.indexOf(`publish ${id}`));
      // The notification's record carries only its delivery day (docs/subscriptions.md), the trail the instant.
      expect(Number(message.timestamp)).toBe(
        deliveryDay(new Date(Number(entry?.message.timestamp))).getTime(),
      );
    }
  });

  it('lets the agency consumer drop a re-sent notification by its event id', async () => {
    const jps = received.get('jps') ?? [];
    const store = testStore(config);
    const resend = createNotificationPublisher({ store, replicationFactor: 1 });
    await resend.publish([jps[0]?.event as AgencyNotified]);
    await resend.close();
    const handled: AgencyNotified[] = [];
    const following = await followAgencyNotifications({
      store,
      agencyId: 'jps',
      groupId: `test-agency-${randomUUID()}`,
      fromBeginning: true,
      seen: new Set(),
      onNotification: (n) => {
        handled.push(n);
      },
      logger,
    });
    try {
      for (const deadline = Date.now() + 30_000; handled.length < 2 && Date.now() < deadline; )
        await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1_500));
    } finally {
      await following.stop();
      await store.close();
    }
    expect(await readTopic(kafka, agencyTopic(config.TOPIC_PREFIX, 'jps'))).toHaveLength(jps.length + 1);
    expect(handled.map((n) => n.envelope.eventId).sort()).toEqual(
      jps.map((g) => g.event.envelope.eventId).sort(),
    );
  });
});
