import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { TsunagiError } from '../core/errors.js';
import { newLinkageId } from '../identity/linkage-id.js';
import { createTestHub, type TestHub } from '../identity/testing/hub.js';
import { createLogger } from '../platform/logger.js';
import {
  BUNDLED_POLICY_PATH,
  BUNDLED_RULES_PATH,
  loadEligibilityRulesFile,
  loadPolicyFile,
} from '../policy/index.js';
import type { DisclosureRecorded, EligibilityNoticeIssued, TsunagiEvent } from '../schemas/events.js';
import { type FactsStore, openFactsStore } from './facts-store.js';
import { issueNotices, type NoticeDeps } from './issue.js';
import { noticeDigest } from './notice-events.js';
import { birthInHousehold, residentEvent } from './testing/household.js';

const policy = await loadPolicyFile(BUNDLED_POLICY_PATH);
const rules = await loadEligibilityRulesFile(BUNDLED_RULES_PATH, policy);
let dir: string;
let store: FactsStore;
let hub: TestHub;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsunagi-notices-'));
  store = openFactsStore(dir);
  hub = createTestHub();
});
afterEach(async () => {
  await store.close();
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

function fakes(options: { trailFails?: boolean } = {}) {
  const steps: string[] = [];
  const published: TsunagiEvent[] = [];
  const delivered: TsunagiEvent[] = [];
  const trail: DisclosureRecorded[] = [];
  const sent: unknown[] = [];
  const deps: NoticeDeps = {
    store,
    rules: () => rules,
    policy: () => policy,
    codes: hub.codes,
    recorder: {
      record: async (event) => {
        if (options.trailFails) throw new TsunagiError('TRAIL_UNAVAILABLE', 'down');
        steps.push('trail');
        trail.push(event);
        return { topic: 'trail', partition: 0, offset: String(trail.length - 1) };
      },
    },
    publisher: {
      append: async (entries) => {
        const events = entries as TsunagiEvent[];
        for (const e of events) steps.push(`publish:${e.type}`);
        published.push(...events);
        return [];
      },
    },
    deliveries: {
      publish: async (events) => {
        for (const e of events) steps.push(`deliver:${e.type}`);
        delivered.push(...events);
      },
    },
    contactOf: () => ({ kind: 'MOBILE', phoneNumber: '09012345678' }),
    channel: {
      send: async (message) => {
        steps.push('contact');
        sent.push(message);
      },
    },
    clock: fixedClock('2026-04-03T01:00:00Z'),
    logger: createLogger({ level: 'silent' }),
    random: (below) => below - 1,
    settleMs: 0,
  };
  return { deps, steps, published, delivered, trail, sent };
}

const asSource = (events: readonly TsunagiEvent[]) =>
  events.map((event, i) => ({ event, position: `t.resident-records/0@${i}` }));

describe('issueNotices', () => {
  it('given a birth in a household, then one child-allowance notice: trail first, then inbox, agency, contact', async () => {
    const household = birthInHousehold();
    const { deps, steps, published, delivered, trail, sent } = fakes();
    expect(await issueNotices(asSource(household.events), deps)).toEqual({
      issued: 1,
      failed: 0,
      waiting: 0,
    });
    expect(steps).toEqual([
      'trail',
      'publish:EligibilityNoticeIssued',
      'deliver:EligibilityNoticeDelivered',
      'contact',
    ]);
    const [issued] = published as EligibilityNoticeIssued[];
    expect(issued?.data).toMatchObject({
      ruleId: 'ER-0001',
      ppid: await hub.codes.ppidFor('resident-portal', household.father as never),
      responsibleAgency: '131016',
      dueDate: '2026-04-17',
      trail: { topic: 'trail', partition: 0, offset: '0' },
    });
    const [toAgency] = delivered;
    expect(toAgency?.type === 'EligibilityNoticeDelivered' && toAgency.data).toMatchObject({
      recipient: '131016',
      agencyCode: await hub.codes.issueAgencyCode('131016', household.father as never),
    });
    expect(JSON.stringify(toAgency)).not.toContain(issued?.data.noticeId);
    expect(JSON.stringify(toAgency)).not.toContain(issued?.data.ppid);
    expect(trail[0]?.data).toMatchObject({
      linkageId: household.father,
      requester: '131016',
      channel: 'NOTICE',
      itemKind: 'ELIGIBILITY_NOTICE',
      legalBasisRowId: 'LB-0009',
      provider: 'tsunagi-notices',
    });
    if (toAgency?.type === 'EligibilityNoticeDelivered')
      expect(trail[0]?.data.disclosedDigest).toEqual(noticeDigest(toAgency));
    expect(sent).toEqual([expect.objectContaining({ text: expect.stringContaining('new notice') })]);
  });

  it('given a trigger younger than settleMs, then it waits, evaluated by a later sweep', async () => {
    const household = birthInHousehold();
    const waiting = fakes();
    const settling = { ...waiting.deps, settleMs: 10_000 };
    expect(await issueNotices(asSource(household.events), settling)).toEqual({
      issued: 0,
      failed: 0,
      waiting: 5,
    });
    const later = fakes();
    const sweep = { ...later.deps, clock: fixedClock('2026-04-03T01:00:10Z'), settleMs: 10_000 };
    expect(await issueNotices([], sweep)).toEqual({ issued: 1, failed: 0, waiting: 0 });
  });

  it('given the same events again (a crash before the commit), then nothing is issued twice', async () => {
    const household = birthInHousehold();
    const first = fakes();
    await issueNotices(asSource(household.events), first.deps);
    const again = fakes();
    expect(await issueNotices(asSource(household.events), again.deps)).toEqual({
      issued: 0,
      failed: 0,
      waiting: 0,
    });
    expect(again.steps).toEqual([]);
  });

  it('given the trail refuses, then nothing is issued, delivered or marked, and the batch fails', async () => {
    const household = birthInHousehold();
    const down = fakes({ trailFails: true });
    await expect(issueNotices(asSource(household.events), down.deps)).rejects.toMatchObject({
      code: 'TRAIL_UNAVAILABLE',
    });
    expect(down.steps).toEqual([]);
    const up = fakes();
    expect(await issueNotices(asSource(household.events), up.deps)).toEqual({
      issued: 1,
      failed: 0,
      waiting: 0,
    });
  });

  it('given a birth read before the parents (another partition), then it waits for them, and is noticed once they come', async () => {
    const household = birthInHousehold();
    const birth = household.events.slice(-1);
    const early = fakes();
    expect(await issueNotices(asSource(birth), early.deps)).toEqual({ issued: 0, failed: 0, waiting: 1 });
    expect(early.steps).toEqual([]);
    const later = fakes();
    expect(await issueNotices(asSource(household.events.slice(0, -1)), later.deps)).toEqual({
      issued: 1,
      failed: 0,
      waiting: 0,
    });
    expect(store.parked()).toEqual([]);
  });

  it('given a birth in a household without an adult past the grace, then that rule is dead-lettered and the next birth is still noticed', async () => {
    const alone = residentEvent(newLinkageId(), 'BIRTH', '2026-04-02', {
      householdId: 'hh-alone',
      dateOfBirth: '2026-04-02',
    });
    const household = birthInHousehold();
    const waiting = fakes();
    expect(await issueNotices(asSource([alone]), waiting.deps)).toMatchObject({ failed: 0, waiting: 1 });
    const { deps, published } = fakes();
    const afterGrace = { ...deps, clock: fixedClock('2026-04-03T01:01:00.001Z') };
    expect(await issueNotices(asSource(household.events), afterGrace)).toEqual({
      issued: 1,
      failed: 1,
      waiting: 0,
    });
    const letter = published.find((e) => e.type === 'DeadLetterRecorded');
    expect(letter?.type === 'DeadLetterRecorded' && letter.data).toMatchObject({
      source: 'notices:t.resident-records/0@0',
      reason: 'ER-0001 NO_GUARDIAN: no adult resident in the household',
      errorCode: 'ELIGIBILITY_RULE_FAILED',
      field: 'ER-0001',
      originalBytes: new Uint8Array(0),
    });
    expect(published.filter((e) => e.type === 'EligibilityNoticeIssued')).toHaveLength(1);
    expect(store.parked()).toEqual([]);
  });
});
