import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agencyTopic } from '../../consumers/notification-publisher.js';
import { call } from '../../gateway/testing/tls.js';
import { scanForMyNumbers } from '../../identity/privacy-scan.js';
import { infraPaths } from '../../infra/paths.js';
import { servicesDown, servicesUp } from '../../infra/stack.js';
import { createClickhouse } from '../../platform/clickhouse.js';
import type { InfraConfig } from '../../platform/config.js';
import { createEventWire } from '../../platform/event-wire.js';
import { openProducerHub } from '../../producers/hub-wiring.js';
import { projectionStoreRoot, readProjectionSettings } from '../../projections/catalogue.js';
import { openProjectionViews } from '../../projections/views.js';
import type { DisclosureRecorded } from '../../schemas/events.js';
import { Topics, topicName } from '../../schemas/topics.js';
import { demoIngest } from '../../scripts/demo-ingest.js';
import { type DemoAnswer, demoInquiries } from '../../scripts/demo-inquiry.js';
import { demoNotifications } from '../../scripts/demo-notifications.js';
import { ensureDemoPki, gatewayTlsEnv } from '../../scripts/demo-pki.js';
import { firstDemoResident } from '../../scripts/demo-resident.js';
import { testConfig, testKafka, testLogger } from '../support/infra.js';
import { isolatedSystem } from '../support/isolated-system.js';
import { readTopic, readTopics } from '../support/read-topic.js';
import { waitForCounts } from '../support/wait-for-counts.js';

/**
 * The running system through its public interfaces: the projector, the subscription service
 * and the gateway run as their own processes (started the way `npm start` starts them, under
 * an isolated home and topic prefix); exports go in through the producers; agencies ask over
 * mutual TLS; the trail, the agency topics and the views are then checked from outside.
 */
const logger = testLogger();
let config: InfraConfig;
let port: number;
let answers: DemoAnswer[];
let notifications: Map<string, number>;
let linkageId: string | undefined;

async function trail(): Promise<Array<{ partition: number; offset: string; event: DisclosureRecorded }>> {
  const wire = createEventWire(config);
  const messages = await readTopic(testKafka(config), topicName(config.TOPIC_PREFIX, Topics.accessTrail));
  return Promise.all(
    messages.map(async (m) => ({
      partition: m.partition,
      offset: m.offset,
      event: (await wire.decode(m.value as Buffer)) as DisclosureRecorded,
    })),
  );
}

beforeAll(async () => {
  const system = await isolatedSystem('e2e', logger);
  config = system.config;
  port = system.port;
  await servicesUp(config, logger, { ...system.env, ...(await gatewayTlsEnv(config, {})) });
  await demoIngest(config, logger, 80);
  const hub = await openProducerHub(config, logger);
  linkageId = await firstDemoResident(config, hub.identity).finally(() => hub.close());
  const views = openProjectionViews({ storeRoot: projectionStoreRoot(config, readProjectionSettings()) });
  for (
    let waited = 0;
    waited < 60_000 && !(linkageId && views.itemsOf(linkageId).latest.length > 0);
    waited += 250
  )
    await sleep(250);
  await views.close();
  notifications = await demoNotifications(config, logger);
  answers = await demoInquiries(config, logger, port);
});

afterAll(async () => {
  if (config) await servicesDown(config, logger);
  const admin = createClickhouse(testConfig());
  for (const db of [`${config.CLICKHOUSE_DATABASE}_reports`, config.CLICKHOUSE_DATABASE])
    await admin.command({ query: `DROP DATABASE IF EXISTS ${db}` }).catch(() => undefined);
  await admin.close();
});

describe('the running system', () => {
  it("reports the gateway ready only with the broker's topics led and the projector's views open", async () => {
    const ca = readFileSync((await ensureDemoPki(config)).caFile, 'utf8');
    const answer = await call(`https://127.0.0.1:${port}/readyz`, { ca });
    expect(answer).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { kafka: true, stores: true } },
    });
  });

  it('answers a permitted inquiry and refuses one without legal basis, each recorded in the trail at the position it names', async () => {
    const [permitted, refused] = answers;
    expect(permitted).toMatchObject({ status: 200, outcome: 'DISCLOSED' });
    expect(refused).toMatchObject({ status: 403, outcome: 'REFUSED', reason: 'NO_LEGAL_BASIS' });
    const entries = await trail();
    for (const answer of [permitted, refused]) {
      const at = entries.find(
        (e) => e.partition === answer?.trail?.partition && e.offset === answer?.trail?.offset,
      );
      expect(at?.event.data).toMatchObject({
        requester: answer?.agency,
        officeWork: answer?.officeWork,
        channel: 'INQUIRY',
        outcome: answer?.outcome,
      });
    }
  });

  it('notifies subscribed agencies on their own topics, each notification recorded in the trail', async () => {
    let counts = notifications;
    if (!((counts.get('jps') ?? 0) > 0)) {
      // On a loaded machine the service's first round can come after the demo step stopped waiting.
      await waitForCounts(
        testKafka(config),
        new Map([[agencyTopic(config.TOPIC_PREFIX, 'jps'), 1]]),
        150_000,
      );
      counts = await demoNotifications(config, logger);
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(counts.get('jps')).toBeGreaterThan(0);
    // Agency topics carry change notifications (channel SUBSCRIPTION) and eligibility notices (NOTICE).
    const recorded = (await trail()).filter((e) => ['SUBSCRIPTION', 'NOTICE'].includes(e.event.data.channel));
    expect(recorded.length).toBeGreaterThanOrEqual(total);
  });

  it('shows the resident their own access trail through the projector, newest first', async () => {
    if (!linkageId) throw new Error('demo resident not enrolled');
    const views = openProjectionViews({ storeRoot: projectionStoreRoot(config, readProjectionSettings()) });
    try {
      let entries: ReturnType<typeof views.trailOf>['entries'] = [];
      for (let waited = 0; waited < 30_000; waited += 250) {
        entries = views.trailOf(linkageId, { limit: 50 }).entries;
        if (entries.filter((e) => e.channel === 'INQUIRY').length >= 2) break;
        await sleep(250);
      }
      expect(entries.filter((e) => e.channel === 'INQUIRY').length).toBeGreaterThanOrEqual(2);
    } finally {
      await views.close();
    }
  });

  it('has, in ClickHouse, the same counts per outcome as the trail (analytics sink running as a service)', async () => {
    const expected: Record<string, number> = {};
    for (const entry of await trail())
      expected[entry.event.data.outcome] = (expected[entry.event.data.outcome] ?? 0) + 1;
    const admin = createClickhouse(testConfig());
    const counts = async (from: string, count: string) =>
      Object.fromEntries(
        (
          await (
            await admin.query({
              query: `SELECT outcome, ${count} AS n FROM ${config.CLICKHOUSE_DATABASE}.${from} GROUP BY outcome`,
              format: 'JSONEachRow',
            })
          ).json<{ outcome: string; n: string }>()
        ).map((r) => [r.outcome, Number(r.n)]),
      );
    try {
      let stored: Record<string, number> = {};
      for (let waited = 0; waited < 60_000; waited += 500) {
        stored = await counts('trail_facts FINAL', 'count()');
        if (JSON.stringify(Object.entries(stored).sort()) === JSON.stringify(Object.entries(expected).sort()))
          break;
        await sleep(500);
      }
      expect(stored).toEqual(expected);
      expect(await counts('trail_daily', 'countMerge(accesses)')).toEqual(expected);
      expect(expected.DISCLOSED).toBeGreaterThan(0);
      expect(expected.REFUSED).toBeGreaterThan(0);
    } finally {
      await admin.close();
    }
  });

  it('leaves no My Number on any topic, in any store or in any service log', async () => {
    const exports = join(infraPaths(config.home).data('demo'), 'exports');
    const myNumbers = [
      ...new Set([...readFileSync(join(exports, 'juki.csv'), 'utf8').matchAll(/\d{12}/g)].map((m) => m[0])),
    ];
    expect(myNumbers.length).toBeGreaterThan(50);
    const kafka = testKafka(config);
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(config.TOPIC_PREFIX));
    await admin.disconnect();
    for (const [topic, records] of await readTopics(kafka, topics)) {
      const bytes = records.flatMap((m) => [m.value ?? Buffer.alloc(0), m.key ?? Buffer.alloc(0)]);
      expect(scanForMyNumbers(myNumbers, bytes), topic).toEqual([]);
    }
    const home = infraPaths(config.home);
    const stores = ['identity', 'projections', 'notices'].map((d) => ({ path: home.data(d) }));
    const logs = ['projector', 'subscriptions', 'notices', 'gateway', 'analytics'].map((s) => ({
      path: home.log(s),
    }));
    expect(scanForMyNumbers(myNumbers, [...stores, ...logs])).toEqual([]);
  });
});
