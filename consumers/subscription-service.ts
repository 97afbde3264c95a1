import type { Consumer, Kafka } from 'kafkajs';
import type { Clock } from '../core/clock.js';
import { isTsunagiError, TsunagiError } from '../core/errors.js';
import { type LegalBasisPolicy, legalDateOf } from '../core/policy/index.js';
import { evolveResidentRecord, type ResidentRecord } from '../core/resident/index.js';
import type { CodeRegistry } from '../identity/code-registry.js';
import { isLinkageId } from '../identity/linkage-id.js';
import type { EventWire } from '../platform/event-wire.js';
import type { Logger } from '../platform/logger.js';
import type { AgencyNotified, TsunagiEvent } from '../schemas/events.js';
import { Topics, topicName } from '../schemas/topics.js';
import type { DisclosureRecorder } from '../trail/recorder.js';
import { deliveryOrder } from './delivery.js';
import { createDeliveryRounds } from './delivery-round.js';
import { buildNotification, disclosureFor, type NotifiableEvent } from './notification.js';
import { routeEvent } from './router.js';
import type { Subscription } from './subscriptions.js';

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
 * time. Crash-safe, at least once: a batch's offset is committed only after its round's
 * notifications were acknowledged, so a crash re-sends some notifications, with the same
 * deterministic event ids (agencies drop duplicates), and may record a disclosure twice, with
 * the same trail event id (the trail index keeps one).
 */
export async function startSubscriptionService(
  deps: NotifyDeps & {
    kafka: Kafka;
    wire: EventWire;
    topicPrefix: string;
    groupId?: string;
    /** Where a group without committed offsets starts; default false (only new changes). */
    fromBeginning?: boolean;
    delivery?: Partial<DeliverySettings>;
  },
): Promise<SubscriptionService> {
  const logger = deps.logger.child({ component: 'subscription-service' });
  const delivery = { ...DEFAULT_DELIVERY, ...deps.delivery };
  const consumer: Consumer = deps.kafka.consumer({
    // One group per environment (topic prefix): two stacks on one broker never share offsets.
    groupId: deps.groupId ?? `tsunagi-subscriptions.${deps.topicPrefix}`,
    minBytes: delivery.roundMinBytes,
    maxWaitTimeInMs: delivery.roundWaitMs,
  });
  const rounds = createDeliveryRounds((events: TsunagiEvent[]) => notifyForEvents(events, deps), {
    settleMs: 25,
  });
  await consumer.connect();
  await consumer.subscribe({
    topics: [
      topicName(deps.topicPrefix, Topics.residentRecords),
      topicName(deps.topicPrefix, Topics.informationItems),
    ],
    fromBeginning: deps.fromBeginning ?? false,
  });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: ROUND_PARTITIONS,
    eachBatch: async ({ batch, heartbeat }) => {
      const round = rounds.enter();
      const events: TsunagiEvent[] = [];
      try {
        for (const message of batch.messages) {
          if (!message.value) continue;
          try {
            events.push(await deps.wire.decode(message.value));
          } catch (error) {
            if (!isTsunagiError(error) || error.retriable) throw error;
            logger.warn(
              { topic: batch.topic, partition: batch.partition, offset: message.offset, code: error.code },
              'undecodable record skipped',
            );
          }
        }
      } catch (error) {
        round.leave();
        throw error;
      }
      const { notified, withheld } = await round.submit(events);
      await heartbeat();
      const next = (BigInt(batch.lastOffset()) + 1n).toString();
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
      logger.debug(
        { topic: batch.topic, partition: batch.partition, events: events.length, notified, withheld },
        'batch delivered in its round (notified and withheld count the whole round)',
      );
    },
  });
  return {
    async stop() {
      await consumer.disconnect();
    },
  };
}
