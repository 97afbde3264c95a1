import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../core/canonical-json.js';
import { BUNDLED_POLICY_PATH, loadPolicyFile } from '../policy/index.js';
import { decodeEvent, encodeEvent } from '../schemas/codec.js';
import { eventToJson } from '../schemas/events.js';
import { anEvent } from '../schemas/testing/events.js';
import { digestOf } from '../trail/disclosure.js';
import { buildNotification, disclosureFor, notificationDigest, notificationEventId } from './notification.js';
import { routeEvent } from './router.js';
import { resident, SUBSCRIPTIONS } from './testing/subscribers.js';

const policy = await loadPolicyFile(BUNDLED_POLICY_PATH);
const { linkageId, record } = resident();
const at = new Date('2025-04-01T03:00:00Z');
const planFor = (source: Parameters<typeof routeEvent>[0], recipient: string) => {
  const plan = routeEvent(source, {
    subscriptions: SUBSCRIPTIONS,
    policy,
    resident: record,
    sendingOn: '2025-04-01',
  }).notify.find((n) => n.recipient === recipient);
  if (!plan) throw new Error(`no plan for ${recipient}`);
  return plan;
};

describe('buildNotification', () => {
  const change = anEvent('ResidentRecordChanged', {
    data: { linkageId: linkageId, changeType: 'ADDRESS_CHANGE', sequence: 8 },
    envelope: { eventId: 'src-1' },
  });

  it('discloses only what the item covers: ADDRESS is the address alone', () => {
    const n = buildNotification(change, planFor(change, 'vehicle-registration'), 'AC1-v1-X', at);
    expect(n.data.resident).toEqual({
      name: null,
      nameKana: null,
      address: change.data.address,
      dateOfBirth: null,
      gender: null,
      householdId: null,
    });
    expect(n.data).toMatchObject({ action: 'RECORD_CHANGED', changeType: 'ADDRESS_CHANGE', payload: null });
  });

  it('basic four information leaves out the household; the resident record includes it', () => {
    const basic = buildNotification(change, planFor(change, 'jps'), 'AC1-v1-X', at);
    expect(basic.data.resident).toMatchObject({ name: change.data.name, householdId: null });
    const full = buildNotification(change, planFor(change, 'hello-work'), 'AC1-v1-X', at);
    expect(full.data.resident?.householdId).toBe(change.data.householdId);
  });

  it('carries the agency code and never the linkage id, and survives the Avro round trip', () => {
    const item = anEvent('InformationItemPublished', {
      data: { linkageId: linkageId },
      envelope: { eventId: 'src-2' },
    });
    const n = buildNotification(item, planFor(item, '131016'), 'AC1-v1-CODE', at);
    expect(n.data).toMatchObject({
      agencyCode: 'AC1-v1-CODE',
      legalBasisRowId: 'LB-0001',
      action: 'PUBLISHED',
    });
    const bytes = encodeEvent(n);
    expect(bytes.includes(Buffer.from(linkageId))).toBe(false);
    expect(decodeEvent('agency-notification', 2, bytes)).toEqual(n);
  });

  it('carries the delivery day as its only instants, and the change’s legal date as effectiveDate', () => {
    const morning = buildNotification(change, planFor(change, 'jps'), 'AC1-v1-X', at);
    const evening = buildNotification(
      change,
      planFor(change, 'jps'),
      'AC1-v1-X',
      new Date('2025-04-01T14:59:59.999Z'),
    );
    const day = new Date('2025-03-31T15:00:00.000Z'); // 2025-04-01 00:00 JST
    for (const n of [morning, evening])
      expect(n.envelope).toMatchObject({ occurredAt: day, recordedAt: day });
    expect(morning.data.effectiveDate).toBe('2025-04-01'); // the sample change: 2025-04-01T00:30Z
    expect(notificationDigest(morning)).toEqual(notificationDigest(evening));
  });

  it('shares no envelope value with another agency’s notification of the same change but the day and producer', () => {
    const jps = buildNotification(change, planFor(change, 'jps'), 'AC1-v1-J', at);
    const vehicle = buildNotification(change, planFor(change, 'vehicle-registration'), 'AC1-v1-V', at);
    const shared = (Object.keys(jps.envelope) as Array<keyof typeof jps.envelope>).filter(
      (k) => String(jps.envelope[k]) === String(vehicle.envelope[k]),
    );
    expect(shared.sort()).toEqual(['occurredAt', 'producer', 'recordedAt']);
  });

  it('has an id that depends on source event, recipient, office work and item, and nothing else', () => {
    const jps = planFor(change, 'jps');
    const hw = planFor(change, 'hello-work');
    expect(notificationEventId('src-1', jps)).toBe(notificationEventId('src-1', jps));
    expect(notificationEventId('src-1', jps)).not.toBe(notificationEventId('src-1', hw));
    expect(notificationEventId('src-1', jps)).not.toBe(notificationEventId('src-9', jps));
    const later = buildNotification(change, jps, 'AC1-v1-X', new Date('2026-01-01T00:00:00Z'));
    expect(later.envelope.eventId).toBe(buildNotification(change, jps, 'AC1-v1-X', at).envelope.eventId);
  });
});

describe('disclosureFor', () => {
  it('records a SUBSCRIPTION disclosure with the digest an agency can recompute from what it received', () => {
    const change = anEvent('ResidentRecordChanged', {
      data: { linkageId: linkageId, changeType: 'ADDRESS_CHANGE', sequence: 8 },
      envelope: { eventId: 'src-3' },
    });
    const plan = planFor(change, 'jps');
    const n = buildNotification(change, plan, 'AC1-v1-X', at);
    const trail = disclosureFor(change, plan, n, at);
    expect(trail.data).toMatchObject({
      linkageId,
      requester: 'jps',
      officeWork: 'pension-benefit-payment',
      legalBasisRowId: 'LB-0002',
      provider: 'resident-registry',
      itemKind: 'BASIC_FOUR_INFORMATION',
      outcome: 'DISCLOSED',
      channel: 'SUBSCRIPTION',
    });
    const received = eventToJson(n) as { data: unknown };
    expect(trail.data.disclosedDigest).toEqual(digestOf(canonicalJson(received.data)));
    expect(trail.data.disclosedDigest).toEqual(notificationDigest(n));
    expect(trail.envelope.eventId).toBe(`dr-${n.envelope.eventId.slice(3)}`);
  });
});
