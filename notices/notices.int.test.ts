import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import { startPushGateway } from '../gateway/testing/push-gateway.js';
import { call } from '../gateway/testing/tls.js';
import { type LinkageId, newLinkageId } from '../identity/linkage-id.js';
import { scanForText } from '../identity/privacy-scan.js';
import { createTestHub } from '../identity/testing/hub.js';
import type { InfraConfig } from '../platform/config.js';
import { createEventWire } from '../platform/event-wire.js';
import {
  BUNDLED_POLICY_PATH,
  BUNDLED_RULES_PATH,
  loadEligibilityRulesFile,
  loadPolicyFile,
} from '../policy/index.js';
import type {
  DeadLetterRecorded,
  DisclosureRecorded,
  EligibilityNoticeDelivered,
  TsunagiEvent,
} from '../schemas/events.js';
import { Topics, topicName } from '../schemas/topics.js';
import { testKafka, testLogger, testStore } from '../tests/support/infra.js';
import { readTopic } from '../tests/support/read-topic.js';
import { isolatedTopics } from '../tests/support/topics.js';
import { noticeDigest } from './notice-events.js';
import { birthInHousehold, residentEvent } from './testing/household.js';
import { startNotices } from './wiring.js';

/**
 * Issue 15, "Done when": a synthetic birth produces exactly one child-allowance notice, delivered to
 * the municipality under its code and shown in the resident's inbox, each with an earlier trail
 * record; a rule failing for one resident is dead-lettered and the stream goes on. Real Kafka; the
 * notices service in process, the gateway over mutual TLS.
 */
const logger = testLogger();
const hub = createTestHub();
const dir = mkdtempSync(join(tmpdir(), 'tsunagi-notices-int-'));
const household = birthInHousehold();
const second = birthInHousehold('2026-05-20');
// A resident of its own: the child's id with its last character made 'A' was the child itself one
// time in eight (a 26-character base32 id ends in one of eight characters), and its second birth
// then was no birth at all.
const lonely = residentEvent(newLinkageId(), 'BIRTH', '2026-05-01', {
  householdId: 'hh-nobody-adult',
  dateOfBirth: '2026-05-01',
});
let config: InfraConfig;
let gw: Awaited<ReturnType<typeof startPushGateway>>;
const closers: Array<() => Promise<unknown>> = [];

const decodeAll = async (topic: string) => {
  const wire = createEventWire(config);
  const messages = await readTopic(testKafka(config), topicName(config.TOPIC_PREFIX, topic));
  return Promise.all(
    messages.map(async (m) => ({
      timestamp: Number(m.timestamp),
      offset: m.offset,
      event: await wire.decode(m.value as Buffer),
    })),
  );
};
/** Reads until `count` are found, for up to two minutes (a loaded CI machine delays the service's rounds). */
async function until<T>(read: () => Promise<T[]>, count: number): Promise<T[]> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    const found = await read();
    if (found.length >= count) return found;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return read();
}
const delivered = () =>
  decodeAll('agency.131016.notifications').then((rs) =>
    rs
      .map((r) => r.event)
      .filter((e): e is EligibilityNoticeDelivered => e.type === 'EligibilityNoticeDelivered'),
  );
const inbox = async (linkageId: string) => {
  const token = await gw.sessionOf(linkageId as LinkageId);
  return (path = '', method = 'GET') =>
    call(`${gw.url}/v1/resident/notices${path}`, {
      method,
      ca: gw.pki.caPem,
      headers: { authorization: `Bearer ${token}` },
    });
};

beforeAll(async () => {
  config = await isolatedTopics('notices');
  gw = await startPushGateway('notices', { config, hub });
  closers.push(() => gw.close());
  const policy = await loadPolicyFile(BUNDLED_POLICY_PATH);
  const rules = await loadEligibilityRulesFile(BUNDLED_RULES_PATH, policy);
  // The father registers a contact for notices first (through the gateway, signed in).
  const father = await gw.sessionOf(household.father as LinkageId);
  const contact = await call(`${gw.url}/v1/resident/contact`, {
    method: 'PUT',
    ca: gw.pki.caPem,
    headers: { authorization: `Bearer ${father}` },
    body: { kind: 'EMAIL', address: 'taro.father@example.jp' },
  });
  expect(contact.status).toBe(200);
  const log = testStore(config);
  closers.push(() => log.close());
  const service = await startNotices({
    log,
    topicPrefix: config.TOPIC_PREFIX,
    replicationFactor: 1,
    vaultKeys: hub.vaultKeys,
    storeDir: join(dir, 'store'),
    outboxDir: join(dir, 'outbox'),
    fromBeginning: true,
    delivery: { roundWaitMs: 200, roundMinBytes: 1 },
    settleMs: 1_000,
    // A household's facts can come seconds after its birth on a loaded machine (other partitions, other
    // batches); a grace too short dead-letters a birth whose parents were merely late.
    factsGraceMs: 10_000,
    sweepEveryMs: 500,
    rules: () => rules,
    policy: () => policy,
    codes: hub.codes,
    clock: systemClock,
    logger,
  });
  closers.push(() => service.stop());
  // The same export ingested twice: the birth must still give one notice.
  const source = testStore(config);
  await source.append(household.events);
  await source.append(household.events.slice(-1) as TsunagiEvent[]);
  await source.close();
});

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a synthetic birth', () => {
  it('gives exactly one child-allowance notice, delivered to the municipality under its own code', async () => {
    const notices = await until(delivered, 1);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await delivered()).toHaveLength(1);
    expect(notices[0]?.data).toMatchObject({
      recipient: '131016',
      agencyCode: await hub.codes.issueAgencyCode('131016', household.father as LinkageId),
      ruleId: 'ER-0001',
      officeWork: 'child-allowance-eligibility',
      legalBasisRowId: 'LB-0009',
      dueDate: '2026-04-17',
      effectiveDate: '2026-04-02',
    });
  });

  it('is in the resident’s inbox, with the trail entry recorded before it, whose digest is what the agency got', async () => {
    const answer = await (await inbox(household.father))();
    expect(answer.status).toBe(200);
    expect(answer.body.notices).toHaveLength(1);
    const [notice] = answer.body.notices;
    expect(notice).toMatchObject({
      ruleId: 'ER-0001',
      status: 'OPEN',
      responsibleAgency: '131016',
      dueDate: '2026-04-17',
    });
    const trail = await decodeAll(Topics.accessTrail);
    const entry = trail.find((t) => t.offset === notice.trail.offset);
    const record = entry?.event as DisclosureRecorded;
    expect(record.data).toMatchObject({
      linkageId: household.father,
      channel: 'NOTICE',
      itemKind: 'ELIGIBILITY_NOTICE',
      requester: '131016',
    });
    const digest = noticeDigest((await delivered())[0] as EligibilityNoticeDelivered);
    expect(Buffer.from(record.data.disclosedDigest ?? []).equals(Buffer.from(digest))).toBe(true);
    const [issued] = (await decodeAll(Topics.notices)).filter(
      (n) => n.event.type === 'EligibilityNoticeIssued',
    );
    expect(entry?.timestamp).toBeLessThanOrEqual(issued?.timestamp ?? 0);
    expect((await (await inbox(household.mother))()).body.notices).toEqual([]);
  });

  it('tells the father’s contact that a notice arrived, and nothing else', async () => {
    const lines = readFileSync(join(dir, 'outbox', 'outbox.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({ channel: 'mail', to: { kind: 'EMAIL', address: 'taro.father@example.jp' } }),
    ]);
    expect(lines[0].text).toMatch(/new notice/);
    expect(scanForText(['child', 'ER-0001', '131016', '児童'], [lines[0].text])).toEqual([]);
  });

  it('can be answered "not interested", an event too, once', async () => {
    const father = await inbox(household.father);
    const { noticeId } = (await father()).body.notices[0];
    const answer = await father(`/${noticeId}/not-interested`, 'POST');
    expect(answer).toMatchObject({ status: 200, body: { noticeId, status: 'NOT_INTERESTED' } });
    expect((await father(`/${noticeId}/not-interested`, 'POST')).status).toBe(200);
    expect((await father()).body.notices[0].status).toBe('NOT_INTERESTED');
    const declines = (await decodeAll(Topics.notices)).filter(
      (n) => n.event.type === 'EligibilityNoticeDeclined',
    );
    expect(declines).toHaveLength(1);
    const mother = await inbox(household.mother);
    expect(await mother(`/${noticeId}/not-interested`, 'POST')).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', path: 'params.noticeId' },
    });
    expect(await mother('/not-a-notice/not-interested', 'POST')).toMatchObject({
      status: 400,
      body: { code: 'INPUT_INVALID' },
    });
  });
});

describe('a rule that fails for one resident', () => {
  it('is dead-lettered with the reason, and the next birth is still noticed', async () => {
    const source = testStore(config);
    await source.append([lonely, ...second.events]);
    await source.close();
    const letters = await until(
      async () => (await decodeAll(Topics.deadLetters)).map((r) => r.event as DeadLetterRecorded),
      1,
    );
    expect(letters.map((l) => [l.data.reason, l.data.errorCode, l.data.field])).toEqual([
      ['ER-0001 NO_GUARDIAN: no adult resident in the household', 'ELIGIBILITY_RULE_FAILED', 'ER-0001'],
    ]);
    expect(letters[0]?.data.source).toMatch(/^notices:test\.notices\..+resident-records\/\d@\d+$/);
    expect((await until(delivered, 2)).map((d) => d.data.effectiveDate).sort()).toEqual([
      '2026-04-02',
      '2026-05-20',
    ]);
  }, 300_000);
});
