import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json.js';
import { TsunagiError } from '../core/errors.js';
import { legalDateOf } from '../core/policy/index.js';
import {
  type AgencyNotified,
  EventSchemas,
  eventToJson,
  type InformationItemPublished,
  type InformationItemWithdrawn,
  type ResidentRecordChanged,
} from '../schemas/events.js';
import { digestOf, disclosureRecorded } from '../trail/disclosure.js';
import { deliveryDay } from './delivery.js';
import type { PlannedNotification } from './router.js';

export const SUBSCRIPTION_PRODUCER = 'subscription-service';

export type NotifiableEvent = ResidentRecordChanged | InformationItemPublished | InformationItemWithdrawn;
type Data = AgencyNotified['data'];
type Content = Pick<
  Data,
  'action' | 'changeType' | 'payload' | 'validAsOf' | 'withdrawalReason' | 'resident'
>;

/**
 * Deterministic: the same source event, recipient, office work and item always give the same id,
 * so a notification re-sent after a crash carries the id the agency already has (it drops it).
 * A hash, so the id says nothing about the source event or the resident to the agency.
 */
export function notificationEventId(sourceEventId: string, plan: PlannedNotification): string {
  const digest = createHash('sha256')
    .update([sourceEventId, plan.recipient, plan.officeWork, plan.item].join('\u0000'))
    .digest('hex');
  return `an-${digest.slice(0, 40)}`;
}

/** Only what the item covers: ADDRESS → the address; basic four → those four; the record → also the household. */
function contentOf(source: NotifiableEvent, plan: PlannedNotification): Content {
  const none = { changeType: null, payload: null, validAsOf: null, withdrawalReason: null, resident: null };
  switch (source.type) {
    case 'InformationItemPublished':
      return { ...none, action: 'PUBLISHED', payload: source.data.payload, validAsOf: source.data.validAsOf };
    case 'InformationItemWithdrawn':
      return { ...none, action: 'WITHDRAWN', withdrawalReason: source.data.reason };
    case 'ResidentRecordChanged': {
      const d = source.data;
      const address = { name: null, nameKana: null, address: d.address, dateOfBirth: null, gender: null };
      const basicFour = {
        ...address,
        name: d.name,
        nameKana: d.nameKana,
        dateOfBirth: d.dateOfBirth,
        gender: d.gender,
      };
      const resident =
        plan.item === 'ADDRESS'
          ? { ...address, householdId: null }
          : plan.item === 'BASIC_FOUR_INFORMATION'
            ? { ...basicFour, householdId: null }
            : { ...basicFour, householdId: d.householdId };
      return { ...none, action: 'RECORD_CHANGED', changeType: d.changeType, resident };
    }
  }
}

/**
 * The notification for one planned disclosure. Nothing in it is shared with another agency's
 * notification about the same change except what both are entitled to (docs/subscriptions.md,
 * "What agencies cannot link"): the envelope's instants are the delivery day, not the source's
 * or the hub's instants; the ids are the notification's own; the change's legal date is
 * `effectiveDate`, a calendar day that is part of the disclosed item.
 */
export function buildNotification(
  source: NotifiableEvent,
  plan: PlannedNotification,
  agencyCode: string,
  at: Date,
): AgencyNotified {
  const eventId = notificationEventId(source.envelope.eventId, plan);
  const day = deliveryDay(at);
  const candidate = {
    type: 'AgencyNotified' as const,
    envelope: {
      eventId,
      occurredAt: day,
      recordedAt: day,
      producer: SUBSCRIPTION_PRODUCER,
      correlationId: eventId,
    },
    data: {
      recipient: plan.recipient,
      agencyCode,
      officeWork: plan.officeWork,
      legalBasisRowId: plan.row.id,
      provider: plan.provider,
      itemKind: plan.item,
      ...contentOf(source, plan),
      effectiveDate: legalDateOf(source.envelope.occurredAt),
    },
  };
  const parsed = EventSchemas.AgencyNotified.safeParse(candidate);
  if (!parsed.success) {
    const path = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new TsunagiError('INTERNAL', `a notification is invalid at ${path}`, { path });
  }
  return parsed.data;
}

/**
 * SHA-256 of the canonical JSON (keys sorted, gateway's `canonicalJson`) of the notification's
 * `data` in its JSON form: exactly what the agency received, so it can recompute the digest.
 */
export const notificationDigest = (notification: AgencyNotified): Uint8Array =>
  digestOf(canonicalJson((eventToJson(notification) as { data: unknown }).data));

/** The trail entry that must be acknowledged before `notification` may be sent. */
export function disclosureFor(
  source: NotifiableEvent,
  plan: PlannedNotification,
  notification: AgencyNotified,
  at: Date,
) {
  return disclosureRecorded(
    {
      linkageId: source.data.linkageId,
      requester: plan.recipient,
      officeWork: plan.officeWork,
      legalBasisRowId: plan.row.id,
      provider: plan.provider,
      itemKind: plan.item,
      outcome: 'DISCLOSED',
      refusalReason: null,
      channel: 'SUBSCRIPTION',
      disclosedDigest: notificationDigest(notification),
      nonDisclosureUntil: plan.nonDisclosureUntil,
    },
    {
      // Deterministic too: a re-sent notification's trail entry has the same id (the index keeps one).
      eventId: `dr-${notification.envelope.eventId.slice(3)}`,
      at,
      producer: SUBSCRIPTION_PRODUCER,
      correlationId: source.envelope.eventId,
    },
  );
}
