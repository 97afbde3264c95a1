import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { deliveryDay } from '../consumers/delivery.js';
import { canonicalJson } from '../core/canonical-json.js';
import type { PlannedNotice, RuleOutcome, TriggerEvent } from '../core/eligibility/evaluate.js';
import { TsunagiError } from '../core/errors.js';
import {
  type DeadLetterRecorded,
  type DisclosureRecorded,
  type EligibilityNoticeDelivered,
  type EligibilityNoticeIssued,
  EventSchemas,
  eventToJson,
} from '../schemas/events.js';
import { digestOf, disclosureRecorded } from '../trail/disclosure.js';
import type { TrailPosition } from '../trail/positions.js';

export const NOTICES_PRODUCER = 'notices';
/** The trail's provider of a notice: the hub's notices service derived it, nobody else disclosed it. */
export const NOTICE_PROVIDER = 'tsunagi-notices';

const hex40 = (...parts: string[]) =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40);

function valid<T>(schema: z.ZodType<T>, candidate: unknown, what: string): T {
  const parsed = schema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const path = parsed.error.issues[0]?.path.join('.') ?? '';
  throw new TsunagiError('INTERNAL', `${what} is invalid at ${path}`, { path });
}

const noticeFields = (plan: PlannedNotice) => ({
  ruleId: plan.rule.id,
  ruleRevision: plan.revision,
  officeWork: plan.rule.officeWork,
  responsibleAgency: plan.responsibleAgency,
  legalBasisRowId: plan.rule.legalBasisRowId,
  dueDate: plan.dueDate,
  effectiveDate: plan.effectiveDate,
});

/**
 * The notice on the responsible agency's own topic, under its own code. As the subscription
 * service's notifications (docs/subscriptions.md, "What agencies cannot link"): its instants are the
 * delivery day, its id a hash of the notice and the agency, never the hub's notice id or the PPID.
 */
export function deliveredNotice(
  plan: PlannedNotice,
  noticeId: string,
  agencyCode: string,
  at: Date,
): EligibilityNoticeDelivered {
  const eventId = `ed-${hex40(noticeId, plan.responsibleAgency)}`;
  const day = deliveryDay(at);
  return valid(
    EventSchemas.EligibilityNoticeDelivered,
    {
      type: 'EligibilityNoticeDelivered',
      envelope: {
        eventId,
        occurredAt: day,
        recordedAt: day,
        producer: NOTICES_PRODUCER,
        correlationId: eventId,
      },
      data: { recipient: plan.responsibleAgency, agencyCode, ...noticeFields(plan) },
    },
    'a delivered notice',
  ) as EligibilityNoticeDelivered;
}

/** SHA-256 of the canonical JSON of what the agency receives (`data`): it can recompute it. */
export const noticeDigest = (delivered: EligibilityNoticeDelivered): Uint8Array =>
  digestOf(canonicalJson((eventToJson(delivered) as { data: unknown }).data));

/** The trail entry that must be acknowledged before the notice goes anywhere (deterministic id). */
export function noticeDisclosure(
  plan: PlannedNotice,
  noticeId: string,
  delivered: EligibilityNoticeDelivered,
  source: TriggerEvent,
  at: Date,
): DisclosureRecorded {
  return disclosureRecorded(
    {
      linkageId: plan.recipient,
      requester: plan.responsibleAgency,
      officeWork: plan.rule.officeWork,
      legalBasisRowId: plan.rule.legalBasisRowId,
      provider: NOTICE_PROVIDER,
      itemKind: 'ELIGIBILITY_NOTICE',
      outcome: 'DISCLOSED',
      refusalReason: null,
      channel: 'NOTICE',
      disclosedDigest: noticeDigest(delivered),
      nonDisclosureUntil: null,
    },
    { eventId: `dn-${noticeId.slice(3)}`, at, producer: NOTICES_PRODUCER, correlationId: source.eventId },
  );
}

/** The notice on the notices topic, by the resident portal's PPID: what the resident's inbox shows. */
export function issuedNotice(
  plan: PlannedNotice,
  noticeId: string,
  ppid: string,
  trail: TrailPosition,
  source: TriggerEvent,
  at: Date,
): EligibilityNoticeIssued {
  return valid(
    EventSchemas.EligibilityNoticeIssued,
    {
      type: 'EligibilityNoticeIssued',
      envelope: {
        eventId: `ni-${noticeId.slice(3)}`,
        occurredAt: at,
        recordedAt: at,
        producer: NOTICES_PRODUCER,
        correlationId: source.eventId,
      },
      data: { noticeId, ppid, title: plan.rule.title, ...noticeFields(plan), trail },
    },
    'an issued notice',
  ) as EligibilityNoticeIssued;
}

/**
 * A rule that failed for one resident, for the dead-letter topic: which event, which rule, why. No
 * personal data: the source is the event's topic position, the reason a code and a fixed detail.
 */
export function ruleFailureLetter(
  failure: Extract<RuleOutcome, { outcome: 'FAILED' }>,
  source: TriggerEvent & { position: string },
  at: Date,
): DeadLetterRecorded {
  const eventId = `dlq-nf-${hex40(source.eventId, failure.rule.id)}`;
  const reason = `${failure.rule.id} ${failure.reason}${failure.detail ? `: ${failure.detail}` : ''}`;
  return valid(
    EventSchemas.DeadLetterRecorded,
    {
      type: 'DeadLetterRecorded',
      envelope: {
        eventId,
        occurredAt: at,
        recordedAt: at,
        producer: NOTICES_PRODUCER,
        correlationId: source.eventId,
      },
      data: {
        source: `notices:${source.position}`,
        reason,
        errorCode: 'ELIGIBILITY_RULE_FAILED',
        originalBytes: new Uint8Array(0),
        originalKey: null,
        file: null,
        line: null,
        field: failure.rule.id,
        sealedOriginal: null,
      },
    },
    'a rule failure letter',
  ) as DeadLetterRecorded;
}
