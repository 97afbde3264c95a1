import type { z } from 'zod';
import { TsunagiError } from '../core/errors.js';
import { buildEventSchemas } from './event-schemas.js';
import { domainPrimitives, jsonPrimitives, toHex } from './primitives.js';
import { agencyNotificationTopic, type TopicName, type TopicRef, Topics } from './topics.js';

export { NON_DISCLOSURE_REASONS } from '../core/policy/non-disclosure.js';
/**
 * The domain events of Tsunagi: `{ type, envelope, data }`, a discriminated union on `type`.
 * Conventions (docs/events.md): instants are `Date`, calendar dates `YYYY-MM-DD` strings, yen
 * `bigint`, bytes `Uint8Array`. On the wire (Avro, see codec.ts) the envelope also carries `type`
 * and the data fields sit beside `envelope` at the top level of the record.
 */
export * from './enums.js';
export {
  AgencyId,
  CalendarDate,
  isCalendarDate,
  LinkageId,
  MAX_YEN,
  MunicipalityCode,
  PartyId,
} from './primitives.js';

/** zod schemas of the domain events (Date, bigint, Uint8Array). */
export const EventSchemas = buildEventSchemas(domainPrimitives);
/** zod schemas of the JSON form (ISO instants, decimal-string yen, hex bytes); parse gives a domain event. */
export const EventJsonSchemas = buildEventSchemas(jsonPrimitives);

export type TsunagiEvent = z.output<typeof EventSchemas.TsunagiEvent>;
export type EventType = TsunagiEvent['type'];
export type EventOf<T extends EventType> = Extract<TsunagiEvent, { type: T }>;
export type EventEnvelope = z.output<typeof EventSchemas.Envelope>;
/** An event as a decider states it; the edge that appends it adds the envelope. */
export type EventDraft<T extends EventType> = Omit<EventOf<T>, 'envelope'>;
export type Address = z.output<typeof EventSchemas.Address>;

export type ResidentRecordChanged = EventOf<'ResidentRecordChanged'>;
export type InformationItemPublished = EventOf<'InformationItemPublished'>;
export type InformationItemWithdrawn = EventOf<'InformationItemWithdrawn'>;
export type ConsentGranted = EventOf<'ConsentGranted'>;
export type ConsentRevoked = EventOf<'ConsentRevoked'>;
export type ConsentUsed = EventOf<'ConsentUsed'>;
export type CertificateRevoked = EventOf<'CertificateRevoked'>;
export type RevocationListIngested = EventOf<'RevocationListIngested'>;
export type DisclosureRecorded = EventOf<'DisclosureRecorded'>;
export type DeadLetterRecorded = EventOf<'DeadLetterRecorded'>;
export type AgencyNotified = EventOf<'AgencyNotified'>;
export type SecurityEventRecorded = EventOf<'SecurityEventRecorded'>;
export type IngestRunCompleted = EventOf<'IngestRunCompleted'>;
export type ResidentLedgerChanged = EventOf<'ResidentLedgerChanged'>;
export type EligibilityNoticeIssued = EventOf<'EligibilityNoticeIssued'>;
export type EligibilityNoticeDeclined = EventOf<'EligibilityNoticeDeclined'>;
export type EligibilityNoticeDelivered = EventOf<'EligibilityNoticeDelivered'>;

export type ChangeType = ResidentRecordChanged['data']['changeType'];
/** A published item kind (the Avro enum `ItemKind`; core/items' `PublishedItem`). */
export type ItemKind = InformationItemPublished['data']['itemKind'];
export type ItemPayload<K extends ItemKind> = Extract<
  InformationItemPublished['data'],
  { itemKind: K }
>['payload'];
export type DisclosableItem = ConsentGranted['data']['items'][number];
export type TrailItem = DisclosureRecorded['data']['itemKind'];
export type DisclosureOutcome = DisclosureRecorded['data']['outcome'];
export type DisclosureChannel = DisclosureRecorded['data']['channel'];
export type RevocationReason = CertificateRevoked['data']['reason'];

/**
 * AgencyNotified has no shared topic: each goes to its recipient's own topic
 * (`agencyNotificationTopic(recipient)` in schemas/topics.ts). The `*` makes it an invalid topic name,
 * so a publisher that routes by `EVENT_SUBJECTS` fails loudly instead of mixing agencies' data.
 */
export const PER_AGENCY_TOPIC = 'agency.*.notifications';

export interface EventSubject {
  /** Folder under schemas/; the registry subject is its record's full name (`registrySubject()`). */
  subject: string;
  /** Topic suffix from schemas/topics.ts. */
  topic: TopicName | typeof PER_AGENCY_TOPIC;
  /** The schema version producers write today; readers resolve older versions into it. */
  version: number;
}

export const EVENT_SUBJECTS = {
  ResidentRecordChanged: { subject: 'resident-record-changed', topic: Topics.residentRecords, version: 1 },
  InformationItemPublished: {
    subject: 'information-item-published',
    topic: Topics.informationItems,
    version: 1,
  },
  InformationItemWithdrawn: {
    subject: 'information-item-withdrawn',
    topic: Topics.informationItems,
    version: 1,
  },
  ConsentGranted: { subject: 'consent-granted', topic: Topics.consents, version: 3 },
  ConsentRevoked: { subject: 'consent-revoked', topic: Topics.consents, version: 1 },
  ConsentUsed: { subject: 'consent-used', topic: Topics.consents, version: 1 },
  CertificateRevoked: { subject: 'certificate-revoked', topic: Topics.certificateStatus, version: 1 },
  RevocationListIngested: {
    subject: 'revocation-list-ingested',
    topic: Topics.certificateStatus,
    version: 1,
  },
  DisclosureRecorded: { subject: 'disclosure-recorded', topic: Topics.accessTrail, version: 4 },
  DeadLetterRecorded: { subject: 'dead-letter', topic: Topics.deadLetters, version: 2 },
  AgencyNotified: { subject: 'agency-notification', topic: PER_AGENCY_TOPIC, version: 3 },
  SecurityEventRecorded: { subject: 'security-event', topic: Topics.securityAudit, version: 1 },
  IngestRunCompleted: { subject: 'ingest-run-completed', topic: Topics.ingestRuns, version: 1 },
  ResidentLedgerChanged: {
    subject: 'resident-ledger-changed',
    topic: Topics.residentLedger,
    version: 1,
  },
  EligibilityNoticeIssued: { subject: 'eligibility-notice-issued', topic: Topics.notices, version: 1 },
  EligibilityNoticeDeclined: { subject: 'eligibility-notice-declined', topic: Topics.notices, version: 1 },
  EligibilityNoticeDelivered: {
    subject: 'eligibility-notice-delivered',
    topic: PER_AGENCY_TOPIC,
    version: 1,
  },
} as const satisfies Record<EventType, EventSubject>;

export type EventSubjectName = (typeof EVENT_SUBJECTS)[EventType]['subject'];
export const EVENT_TYPES = Object.keys(EVENT_SUBJECTS) as EventType[];

/** The topic an event is appended to: its subject's, or for a notification its recipient's own. */
export function topicOf(event: TsunagiEvent): TopicRef {
  return event.type === 'AgencyNotified' || event.type === 'EligibilityNoticeDelivered'
    ? agencyNotificationTopic(event.data.recipient)
    : EVENT_SUBJECTS[event.type].topic;
}

/**
 * The Kafka key of an event. Keys decide partitions, so one resident's events stay in order:
 * linkage id for resident data; `serial:issuer` for certificate status (the topic is compacted, and
 * a hex serial holds no `:`), the issuer alone for a CRL marker (compaction keeps the latest per
 * issuer); the source for dead letters; the recipient's own agency code for a notification; the
 * kind for a security event (no resident involved; one kind's events stay in order).
 * core system for an ingest-run summary; linkage id and entry for a ledger change (compacted); the
 * portal PPID for a notice and its declining; the recipient's code for a notice it is delivered.
 */
export function eventKey(event: TsunagiEvent): string {
  switch (event.type) {
    case 'CertificateRevoked':
      return `${event.data.serialNumber}:${event.data.issuer}`;
    case 'RevocationListIngested':
      return event.data.issuer;
    case 'DeadLetterRecorded':
      return event.data.source;
    case 'AgencyNotified':
      return event.data.agencyCode;
    case 'SecurityEventRecorded':
      return event.data.kind;
    case 'IngestRunCompleted':
      return event.data.system;
    case 'ResidentLedgerChanged':
      // Compacted: the latest change of each entry of each resident is kept.
      return `${event.data.linkageId}:${event.data.entry}`;
    case 'EligibilityNoticeIssued':
    case 'EligibilityNoticeDeclined':
      return event.data.ppid;
    case 'EligibilityNoticeDelivered':
      return event.data.agencyCode;
    default:
      return event.data.linkageId;
  }
}

/**
 * Validates an unknown value as a domain event. Throws `INPUT_INVALID` with the failing path;
 * the message never quotes the value (it may be personal data).
 */
export function parseEvent(value: unknown): TsunagiEvent {
  return parseWith(EventSchemas.TsunagiEvent, value);
}

/** Parses the JSON form (as `eventToJson` writes it) back into a domain event. */
export function eventFromJson(json: unknown): TsunagiEvent {
  return parseWith(EventJsonSchemas.TsunagiEvent, json);
}

/** The JSON form: instants as ISO-8601, yen as decimal strings, bytes as lowercase hex. */
export function eventToJson(event: TsunagiEvent): unknown {
  return JSON.parse(
    JSON.stringify(event, function (this: Record<string, unknown>, key, value) {
      const original = this[key];
      if (typeof original === 'bigint') return original.toString();
      if (original instanceof Uint8Array) return toHex(original);
      return value;
    }),
  );
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.join('.') ?? '';
  throw new TsunagiError('INPUT_INVALID', `invalid event at ${path || '(root)'}: ${issue?.message}`, {
    path,
  });
}
