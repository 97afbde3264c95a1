import type { Clock } from '../core/clock.js';
import { TsunagiError } from '../core/errors.js';
import { type LegalBasisPolicy, legalDateOf } from '../core/policy/index.js';
import { evolveResidentRecord, type ResidentRecord } from '../core/resident/index.js';
import type { CodeRegistry } from '../identity/code-registry.js';
import { isLinkageId } from '../identity/linkage-id.js';
import { CONSUMER_GROUPS } from '../platform/consumer-groups.js';
import type { EventStore } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';
import type { Subscription } from '../policy/subscriptions.js';
import type { AgencyNotified, TsunagiEvent } from '../schemas/events.js';
import { Topics } from '../schemas/topics.js';
import type { DisclosureRecorder } from '../trail/recorder.js';
import { deliveryOrder } from './delivery.js';
import { createDeliveryRounds } from './delivery-round.js';
import { buildNotification, disclosureFor, type NotifiableEvent } from './notification.js';
import { routeEvent } from './router.js';

export interface NotifyDeps {
  /** Read on every batch, so a reloaded table or subscription file applies from the next batch. */
  subscriptions: () => readonly Subscription[];
  policy: () => LegalBasisPolicy;
  /** The resident record view (projections' `views.residentRecord`). */
  residentRecord: (linkageId: string) => ResidentRecord | undefined;
  codes: Pick<CodeRegistry, 'issueAgencyCode'>;
  recorder: Pick<DisclosureRecorder, 'record'>;
  publisher: { publish(notifications: readonly AgencyNotified[]): Promise<void> };
  clock: Clock;
  logger: Logger;
  /** Draws the delivery order (tests fix it); default: crypto.randomInt. */
  random?: (below: number) => number;
}

/** The view may lag the topic: a record change is applied to it here unless the view already has it. */
function residentAfter(event: TsunagiEvent, view: ResidentRecord | undefined): ResidentRecord | undefined {
  if (event.type !== 'ResidentRecordChanged') return view;
  return view && view.sequence >= event.data.sequence ? view : evolveResidentRecord(view, event);
}

/**
 * Notifies every entitled agency of one delivery round of source events. "No trail, no answer":
 * every notification's DisclosureRecorded is acknowledged by the trail (acks=all) before any
 * notification of the round is published; if one is not, nothing is published and this rejects
 * (TRAIL_UNAVAILABLE), so the caller does not commit and the round comes again. The round's
 * notifications are published in a fresh random order (`deliveryOrder`: one resident's stay in
 * sequence). Returns how many were published (acks=all) and how many subscriptions were withheld.
 */
export async function notifyForEvents(
  events: readonly TsunagiEvent[],
  deps: NotifyDeps,
): Promise<{ notified: number; withheld: number }> {
  const subscriptions = deps.subscriptions();
  const policy = deps.policy();
  const notifications: AgencyNotified[] = [];
  const acknowledged: Array<Promise<unknown>> = [];
  let withheld = 0;
  for (const event of events) {
    if (
      event.type !== 'ResidentRecordChanged' &&
      event.type !== 'InformationItemPublished' &&
      event.type !== 'InformationItemWithdrawn'
    )
      continue;
    const source: NotifiableEvent = event;
    const linkageId = source.data.linkageId;
    if (!isLinkageId(linkageId)) {
      // Not minted by the vault, so no agency code can exist for it; retrying would not help.
      deps.logger.warn({ eventType: source.type }, 'event without a hub linkage id skipped');
      continue;
    }
    const at = deps.clock.now();
    const resident = residentAfter(source, deps.residentRecord(linkageId));
    const routing = routeEvent(source, { subscriptions, policy, resident, sendingOn: legalDateOf(at) });
    withheld += routing.withheld.length;
    for (const plan of routing.notify) {
      const agencyCode = await deps.codes.issueAgencyCode(plan.recipient, linkageId);
      const notification = buildNotification(source, plan, agencyCode, at);
      acknowledged.push(deps.recorder.record(disclosureFor(source, plan, notification, at)));
      notifications.push(notification);
    }
  }
  // allSettled: wait for every record to settle before deciding, so nothing is in flight after a refusal.
  const results = await Promise.allSettled(acknowledged);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  await deps.publisher.publish(deliveryOrder(notifications, deps.random));
  return { notified: notifications.length, withheld };
}

export interface SubscriptionService {
  stop(): Promise<void>;
}

/**
 * How source events gather into delivery rounds. A fetch returns when `roundMinBytes` of source
 * records are waiting or `roundWaitMs` passed, and everything it returned (every source
 * partition) is one round: the more a round holds, the less its order and arrival time say.
 * `roundWaitMs` must stay below the group's session timeout (kafkajs default 30 s).
 */
export interface DeliverySettings {
  roundWaitMs: number;
  roundMinBytes: number;
}
export const DEFAULT_DELIVERY: DeliverySettings = { roundWaitMs: 5_000, roundMinBytes: 1024 * 1024 };
/** `--round-wait-ms` of the services that deliver in rounds: 1 to 29999 ms (below the session timeout). */
export function parseRoundWait(text: string): number {
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1 || ms >= 30_000)
    throw new TsunagiError(
      'CONFIG_INVALID',
      '--round-wait-ms: expected a whole number of milliseconds, 1 to 29999',
      { path: '--round-wait-ms' },
    );
  return ms;
}

/** Source partitions whose batches can join one round (6 resident-records + 6 information-items, and room). */
const ROUND_PARTITIONS = 32;

/**
 * Consumes resident-records and information-items and notifies agencies, one delivery round at a
 * time. Crash-safe, at least once: the group owns the offsets (`committed`), and a batch's offset is
 * committed only after its round's notifications were acknowledged, so a crash re-sends some
 * notifications, with the same deterministic event ids (agencies drop duplicates), and may record a
 * disclosure twice, with the same trail event id (the trail index keeps one).
 */
export async function startSubscriptionService(
  deps: NotifyDeps & {
    store: Pick<EventStore, 'follow'>;
    topicPrefix: string;
    groupId?: string;
    /** Where a group without committed offsets starts; default false (only new changes). */
    fromBeginning?: boolean;
    delivery?: Partial<DeliverySettings>;
  },
): Promise<SubscriptionService> {
  const logger = deps.logger.child({ component: 'subscription-service' });
  const delivery = { ...DEFAULT_DELIVERY, ...deps.delivery };
  const rounds = createDeliveryRounds((events: TsunagiEvent[]) => notifyForEvents(events, deps), {
    settleMs: 25,
  });
  const following = await deps.store.follow(
    [Topics.residentRecords, Topics.informationItems],
    {
      kind: 'committed',
      // One group per environment (topic prefix): two stacks on one broker never share offsets.
      group: deps.groupId ?? `${CONSUMER_GROUPS.subscriptions.prefix}${deps.topicPrefix}`,
      initial: deps.fromBeginning ? 'earliest' : 'latest',
    },
    async (batch, context) => {
      const round = rounds.enter();
      const events = batch.records.flatMap((r) => (r.kind === 'event' ? [r.event] : []));
      // A round can outlast the session timeout (thousands of codes, records and notifications): keep
      // the membership alive meanwhile, or the group drops this member, the commit fails and the whole
      // round is delivered again (kafkajs heartbeats only when asked).
      const beating = setInterval(() => void context.heartbeat().catch(() => undefined), 3_000);
      let outcome: { notified: number; withheld: number };
      try {
        outcome = await round.submit(events);
      } finally {
        clearInterval(beating);
      }
      const { notified, withheld } = outcome;
      await context.heartbeat();
      logger.debug(
        { topic: batch.topic, partition: batch.partition, events: events.length, notified, withheld },
        'batch delivered in its round (notified and withheld count the whole round)',
      );
    },
    {
      minBytes: delivery.roundMinBytes,
      maxWaitMs: delivery.roundWaitMs,
      concurrency: ROUND_PARTITIONS,
    },
  );
  return { stop: () => following.stop() };
}
