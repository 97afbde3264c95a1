import { describe, expect, it } from 'vitest';
import { BUNDLED_POLICY_PATH, loadPolicyFile } from '../policy/index.js';
import { anEvent } from '../schemas/testing/events.js';
import { type RoutingContext, routeEvent } from './router.js';
import { resident, SUBSCRIPTIONS } from './testing/subscribers.js';

const policy = await loadPolicyFile(BUNDLED_POLICY_PATH);
const { linkageId, record } = resident();
const context = (over: Partial<RoutingContext> = {}): RoutingContext => ({
  subscriptions: SUBSCRIPTIONS,
  policy,
  resident: record,
  sendingOn: '2025-04-01',
  ...over,
});
const sent = (routing: ReturnType<typeof routeEvent>) =>
  routing.notify.map((n) => `${n.recipient}:${n.item}:${n.provider}:${n.row.id}`).sort();

describe('routeEvent', () => {
  it('given an address change, when routed, then each entitled subscriber gets the items it subscribed to', () => {
    const routing = routeEvent(
      anEvent('ResidentRecordChanged', {
        data: { linkageId: linkageId, changeType: 'ADDRESS_CHANGE', sequence: 8 },
        envelope: { eventId: 'e1' },
      }),
      context(),
    );
    expect(sent(routing)).toEqual([
      'hello-work:RESIDENT_RECORD:131016:LB-0003',
      'jps:BASIC_FOUR_INFORMATION:resident-registry:LB-0002',
      'vehicle-registration:ADDRESS:resident-registry:LB-0007',
    ]);
    expect(routing.withheld).toContainEqual({
      recipient: 'isa',
      officeWork: 'residence-status-review',
      item: 'BASIC_FOUR_INFORMATION',
      reason: 'NO_LEGAL_BASIS',
    });
  });

  it('given a name change, then no address notification is sent', () => {
    const routing = routeEvent(
      anEvent('ResidentRecordChanged', {
        data: { linkageId: linkageId, changeType: 'NAME_CHANGE', sequence: 8 },
        envelope: { eventId: 'e2' },
      }),
      context(),
    );
    expect(sent(routing)).not.toContain('vehicle-registration:ADDRESS:resident-registry:LB-0007');
    expect(routing.notify.map((n) => n.recipient).sort()).toEqual(['hello-work', 'jps']);
  });

  it('given tax income from the previous municipality, then only the current municipality is notified', () => {
    const routing = routeEvent(
      anEvent('InformationItemPublished', {
        data: { linkageId: linkageId, provider: '271004' },
        envelope: { eventId: 'e3' },
      }),
      context(),
    );
    expect(sent(routing)).toEqual(['131016:LOCAL_TAX_INCOME:271004:LB-0001']);
    expect(routing.withheld).toContainEqual(
      expect.objectContaining({ recipient: 'isa', reason: 'NO_LEGAL_BASIS' }),
    );
  });

  it('given tax income from a municipality that is not the previous one, then nobody is notified', () => {
    const routing = routeEvent(
      anEvent('InformationItemPublished', {
        data: { linkageId: linkageId, provider: '011002' },
        envelope: { eventId: 'e4' },
      }),
      context(),
    );
    expect(routing.notify).toEqual([]);
    expect(routing.withheld).toContainEqual(
      expect.objectContaining({ recipient: '131016', reason: 'PROVIDER_NOT_SUBSCRIBED' }),
    );
  });

  it('given a resident of another municipality, then a municipal subscriber is not notified', () => {
    const elsewhere = { ...record, currentMunicipality: '011002' };
    const routing = routeEvent(
      anEvent('InformationItemPublished', { data: { linkageId: linkageId }, envelope: { eventId: 'e5' } }),
      context({ resident: elsewhere }),
    );
    expect(routing.notify).toEqual([]);
    expect(routing.withheld).toContainEqual(
      expect.objectContaining({ recipient: '131016', reason: 'OUTSIDE_JURISDICTION' }),
    );
  });

  it('given an unknown previous residence, then the previous-residence row does not permit', () => {
    const routing = routeEvent(
      anEvent('InformationItemPublished', { data: { linkageId: linkageId }, envelope: { eventId: 'e6' } }),
      context({ resident: { ...record, previousMunicipality: null } }),
    );
    expect(routing.notify).toEqual([]);
  });

  it('given a withdrawal of an item nobody subscribed to, then nothing is sent', () => {
    expect(
      routeEvent(
        anEvent('InformationItemWithdrawn', { data: { linkageId: linkageId }, envelope: { eventId: 'e7' } }),
        context(),
      ).notify,
    ).toEqual([]);
  });

  it('given a basis that lapsed before the sending date, then nothing is sent (default deny)', () => {
    const lapsed = {
      ...policy,
      rows: policy.rows.map((r) => (r.id === 'LB-0002' ? { ...r, effectiveUntil: '2025-03-31' } : r)),
    };
    const routing = routeEvent(
      anEvent('ResidentRecordChanged', {
        data: { linkageId: linkageId, changeType: 'ADDRESS_CHANGE', sequence: 8 },
        envelope: { eventId: 'e8' },
      }),
      context({ policy: lapsed, sendingOn: '2025-04-02' }),
    );
    expect(routing.notify.map((n) => n.recipient)).not.toContain('jps');
    expect(routing.withheld).toContainEqual(
      expect.objectContaining({ recipient: 'jps', reason: 'BASIS_EXPIRED' }),
    );
  });

  it('given events that carry nothing to notify, then nothing is routed', () => {
    expect(
      routeEvent(
        { ...anEvent('InformationItemPublished', { data: { linkageId } }), type: 'ConsentRevoked' } as never,
        context(),
      ),
    ).toEqual({
      notify: [],
      withheld: [],
    });
  });
});
