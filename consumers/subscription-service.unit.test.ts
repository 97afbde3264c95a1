import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { TsunagiError } from '../core/errors.js';
import { createLogger } from '../platform/logger.js';
import { BUNDLED_POLICY_PATH, loadPolicyFile } from '../policy/index.js';
import type { AgencyNotified, DisclosureRecorded } from '../schemas/events.js';
import { anEvent } from '../schemas/testing/events.js';
import { deliveryOrder } from './delivery.js';
import { type NotifyDeps, notifyForEvents } from './subscription-service.js';
import { resident, SUBSCRIPTIONS } from './testing/subscribers.js';

const policy = await loadPolicyFile(BUNDLED_POLICY_PATH);
const { linkageId, record } = resident();

function fakes(options: { trailFails?: boolean; random?: (below: number) => number } = {}) {
  const steps: string[] = [];
  const published: AgencyNotified[] = [];
  const deps: NotifyDeps = {
    subscriptions: () => SUBSCRIPTIONS,
    policy: () => policy,
    residentRecord: () => record,
    codes: { issueAgencyCode: async (agency) => `AC1-v1-${agency.toUpperCase()}` as never },
    recorder: {
      record: async (event: DisclosureRecorded) => {
        await new Promise((r) => setTimeout(r, 5));
        if (options.trailFails) throw new TsunagiError('TRAIL_UNAVAILABLE', 'down');
        steps.push(`trail:${event.data.requester}`);
        return { topic: 'trail', partition: 0, offset: String(steps.length) };
      },
    },
    publisher: {
      publish: async (notifications) => {
        for (const n of notifications) steps.push(`publish:${n.data.recipient}`);
        published.push(...notifications);
      },
    },
    clock: fixedClock('2025-04-01T03:00:00Z'),
    logger: createLogger({ level: 'silent' }),
    // j = i at every Fisher–Yates step: the identity, so routing order is visible.
    random: options.random ?? ((below) => below - 1),
  };
  return { deps, steps, published };
}

describe('notifyForEvents', () => {
  it('records every disclosure in the trail before publishing any notification', async () => {
    const { deps, steps, published } = fakes();
    const result = await notifyForEvents(
      [
        anEvent('ResidentRecordChanged', {
          data: { linkageId: linkageId, changeType: 'ADDRESS_CHANGE', sequence: 8 },
          envelope: { eventId: 'a1' },
        }),
        anEvent('InformationItemPublished', {
          data: { linkageId: linkageId, provider: '271004' },
          envelope: { eventId: 'a2' },
        }),
      ],
      deps,
    );
    expect(result.notified).toBe(4);
    const firstPublish = steps.findIndex((s) => s.startsWith('publish:'));
    expect(steps.slice(0, firstPublish).sort()).toEqual(
      ['trail:131016', 'trail:hello-work', 'trail:jps', 'trail:vehicle-registration'].sort(),
    );
    expect(published.map((n) => n.data.recipient)).toEqual([
      'jps',
      'hello-work',
      'vehicle-registration',
      '131016',
    ]);
    expect(published.every((n) => n.data.agencyCode === `AC1-v1-${n.data.recipient.toUpperCase()}`)).toBe(
      true,
    );
  });

  it('publishes the round in the order deliveryOrder draws, not in routing order', async () => {
    const events = [
      anEvent('ResidentRecordChanged', {
        data: { linkageId: linkageId, changeType: 'ADDRESS_CHANGE', sequence: 8 },
        envelope: { eventId: 'd1' },
      }),
      anEvent('InformationItemPublished', {
        data: { linkageId: linkageId, provider: '271004' },
        envelope: { eventId: 'd2' },
      }),
    ];
    const routed = fakes();
    await notifyForEvents(events, routed.deps);
    const drawn = fakes({ random: () => 0 });
    await notifyForEvents(events, drawn.deps);
    expect(drawn.published).toEqual(deliveryOrder(routed.published, () => 0));
    expect(drawn.published.map((n) => n.data.recipient)).not.toEqual(
      routed.published.map((n) => n.data.recipient),
    );
  });

  it('publishes nothing when the trail does not acknowledge, and rejects with TRAIL_UNAVAILABLE', async () => {
    const { deps, published } = fakes({ trailFails: true });
    await expect(
      notifyForEvents(
        [
          anEvent('ResidentRecordChanged', {
            data: { linkageId: linkageId, changeType: 'ADDRESS_CHANGE', sequence: 8 },
            envelope: { eventId: 'b1' },
          }),
        ],
        deps,
      ),
    ).rejects.toMatchObject({
      code: 'TRAIL_UNAVAILABLE',
    });
    expect(published).toEqual([]);
  });

  it('skips an event whose linkage id the vault never minted (no code can exist for it)', async () => {
    const { deps, published } = fakes();
    expect(
      await notifyForEvents(
        [
          anEvent('ResidentRecordChanged', {
            data: { linkageId: 'lk_notAHubId', changeType: 'ADDRESS_CHANGE', sequence: 8 },
            envelope: { eventId: 'c1' },
          }),
        ],
        deps,
      ),
    ).toEqual({
      notified: 0,
      withheld: 0,
    });
    expect(published).toEqual([]);
  });
});
