import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanForAccountNumbers, scanForMyNumbers } from '../../identity/privacy-scan.js';
import { infraPaths } from '../../infra/paths.js';
import { servicesDown, servicesUp } from '../../infra/stack.js';
import { createClickhouse } from '../../platform/clickhouse.js';
import type { InfraConfig } from '../../platform/config.js';
import { createEventWire } from '../../platform/event-wire.js';
import type { DeadLetterRecorded, DisclosureRecorded, ResidentRecordChanged } from '../../schemas/events.js';
import { Topics, topicName } from '../../schemas/topics.js';
import { type DemoEligibility, demoEligibility } from '../../scripts/demo-eligibility.js';
import { demoIngest } from '../../scripts/demo-ingest.js';
import { demoJpkiEnv, ensureDemoJpki, refreshDemoCrl } from '../../scripts/demo-jpki.js';
import { DEMO_ACCOUNT, type DemoLinks, demoLinks } from '../../scripts/demo-links.js';
import { gatewayTlsEnv } from '../../scripts/demo-pki.js';
import { demoResidentSignIn } from '../../scripts/demo-sign-in.js';
import { testConfig, testKafka, testLogger } from '../support/infra.js';
import { isolatedSystem } from '../support/isolated-system.js';
import { readTopic, readTopics } from '../support/read-topic.js';

/**
 * Issue 15 as `npm start` runs it: the services (the notices service among them) as their own
 * processes under an isolated home; the demo ingest's synthetic births become eligibility notices;
 * an agency links the first demo resident by My Number over mutual TLS and obtains the account that
 * resident registered, under a benefit-payment row only.
 */
const logger = testLogger();
let config: InfraConfig;
let eligibility: DemoEligibility;
let links: DemoLinks;

const decoded = async <T>(
  suffix: string,
): Promise<Array<{ timestamp: number; offset: string; event: T }>> => {
  const wire = createEventWire(config);
  const messages = await readTopic(testKafka(config), topicName(config.TOPIC_PREFIX, suffix));
  return Promise.all(
    messages.map(async (m) => ({
      timestamp: Number(m.timestamp),
      offset: m.offset,
      event: (await wire.decode(m.value as Buffer)) as T,
    })),
  );
};

beforeAll(async () => {
  const system = await isolatedSystem('e2e-push', logger);
  config = system.config;
  const jpki = await ensureDemoJpki(config);
  await refreshDemoCrl(config, jpki, logger);
  await servicesUp(config, logger, {
    ...system.env,
    ...(await gatewayTlsEnv(config, {})),
    ...demoJpkiEnv(jpki, {}),
  });
  await demoIngest(config, logger, 120);
  eligibility = await demoEligibility(config, logger);
  await demoResidentSignIn(config, logger, system.port);
  links = await demoLinks(config, logger, system.port);
});

afterAll(async () => {
  if (!config) return;
  await servicesDown(config, logger);
  const admin = createClickhouse(testConfig());
  for (const db of [`${config.CLICKHOUSE_DATABASE}_reports`, config.CLICKHOUSE_DATABASE])
    await admin.command({ query: `DROP DATABASE IF EXISTS ${db}` }).catch(() => undefined);
  await admin.close();
});

describe('push-type administration in the running system', () => {
  it('gives each synthetic birth exactly one child-allowance notice (or a dead letter saying why)', async () => {
    const births = (await decoded<ResidentRecordChanged>(Topics.residentRecords)).filter(
      (r) => r.event.data.changeType === 'BIRTH',
    );
    expect(births.length).toBeGreaterThan(0);
    const noticed = eligibility.byRule.get('ER-0001') ?? 0;
    const letters = (await decoded<DeadLetterRecorded>(Topics.deadLetters)).filter(
      (r) => r.event.data.source.startsWith('notices:') && r.event.data.field === 'ER-0001',
    );
    expect(noticed).toBeGreaterThan(0);
    expect(noticed + letters.length).toBe(births.length);
  });

  it('records every notice in the trail before it is issued, and delivers it once under the agency’s code', async () => {
    const trail = await decoded<DisclosureRecorded>(Topics.accessTrail);
    const notices = await decoded<{ type: string; data: { trail: { offset: string } } }>(Topics.notices);
    const issued = notices.filter((n) => n.event.type === 'EligibilityNoticeIssued');
    expect(issued).toHaveLength(eligibility.issued.length);
    for (const notice of issued) {
      const entry = trail.find((t) => t.offset === notice.event.data.trail.offset);
      expect(entry?.event.data).toMatchObject({
        channel: 'NOTICE',
        itemKind: 'ELIGIBILITY_NOTICE',
        outcome: 'DISCLOSED',
      });
      expect(entry?.timestamp).toBeLessThanOrEqual(notice.timestamp);
    }
    const delivered = [...eligibility.delivered.values()].reduce((sum, n) => sum + n, 0);
    expect(delivered).toBe(eligibility.issued.length);
  });

  it('links the first demo resident for 271004 by My Number, the same code twice, and refuses a row not its own', () => {
    expect(links.link.status).toBe(200);
    expect(links.link.body.agencyCode).toMatch(/^AC1-v\d+-/);
    expect(links.again.body.agencyCode).toBe(links.link.body.agencyCode);
    expect(links.notLinked).toMatchObject({ status: 403, body: { reason: 'NO_LEGAL_BASIS' } });
  });

  it('discloses the registered account under the benefit-payment row only', () => {
    expect(links.account.status).toBe(200);
    expect(links.account.body.items[0]).toMatchObject({
      outcome: 'DISCLOSED',
      legalBasisRowId: 'LB-0023',
      data: DEMO_ACCOUNT,
    });
    expect(links.refused.status).toBe(403);
    expect(links.refused.body.items[0]).toMatchObject({ outcome: 'REFUSED', reason: 'NO_LEGAL_BASIS' });
  });

  it('leaves no account number and no My Number in clear on any topic, store or service log', async () => {
    const exports = join(infraPaths(config.home).data('demo'), 'exports');
    const myNumbers = [
      ...new Set([...readFileSync(join(exports, 'juki.csv'), 'utf8').matchAll(/\d{12}/g)].map((m) => m[0])),
    ];
    const kafka = testKafka(config);
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(config.TOPIC_PREFIX));
    await admin.disconnect();
    const bytes: Buffer[] = [];
    for (const m of [...(await readTopics(kafka, topics)).values()].flat())
      bytes.push(m.value ?? Buffer.alloc(0), m.key ?? Buffer.alloc(0));
    const home = infraPaths(config.home);
    const stores = ['identity', 'projections', 'notices'].map((d) => ({ path: home.data(d) }));
    const logs = ['projector', 'subscriptions', 'notices', 'gateway', 'analytics'].map((s) => ({
      path: home.log(s),
    }));
    expect(scanForAccountNumbers([DEMO_ACCOUNT.accountNumber], [...bytes, ...stores, ...logs])).toEqual([]);
    expect(scanForMyNumbers(myNumbers, [...bytes, ...stores, ...logs])).toEqual([]);
  });
});
