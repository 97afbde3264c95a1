import { createHash } from 'node:crypto';
import type {
  ConsentGranted,
  ConsentRevoked,
  DisclosureRecorded,
  IngestRunCompleted,
  ResidentRecordChanged,
  TsunagiEvent,
} from '../schemas/events.js';

/**
 * Analytics facts: what ClickHouse keeps of an event. Only what an analyst's aggregate needs: parties
 * (agencies and municipalities, never residents), office work, item, outcome, day, latency. Never a
 * name, address, birth date, agency code, PPID, linkage id or My Number: each mapping below picks
 * fields one by one, so a field added to an event never reaches ClickHouse unless added here.
 * Column names are ClickHouse's (snake_case); times are UTC `YYYY-MM-DD hh:mm:ss`, days JST dates.
 */
export interface TrailFact {
  event_id: string;
  at: string;
  day: string;
  requester: string;
  office_work: string;
  provider: string;
  item: string;
  outcome: string;
  /** The refusal code only (e.g. NO_LEGAL_BASIS); its free-text detail stays in the trail. */
  refusal_reason: string;
  channel: string;
  latency_ms: number;
  /** The requester's / provider's 6-digit municipality code when it is a municipality, else ''. */
  requester_municipality: string;
  provider_municipality: string;
}

export interface RecordChangeFact {
  event_id: string;
  at: string;
  day: string;
  change_type: string;
  municipality: string;
}

export interface ConsentFact {
  event_id: string;
  at: string;
  day: string;
  /** A one-way reference joining a revocation to its grant; not the consent id itself. */
  consent_ref: string;
  state: 'GRANTED' | 'REVOKED';
  recipient: string;
  purpose: string;
}

export interface IngestFact {
  event_id: string;
  at: string;
  day: string;
  system: string;
  file: string;
  rows_read: number;
  rows_published: number;
  rows_dead_lettered: number;
  rows_skipped: number;
  duration_ms: number;
}

export type Fact =
  | { table: 'trail_facts'; row: TrailFact }
  | { table: 'record_change_facts'; row: RecordChangeFact }
  | { table: 'consent_facts'; row: ConsentFact }
  | { table: 'ingest_facts'; row: IngestFact };
export type FactTable = Fact['table'];
export const FACT_TABLES: readonly FactTable[] = [
  'trail_facts',
  'record_change_facts',
  'consent_facts',
  'ingest_facts',
];

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const DAY_MS = 86_400_000;
const MAX_LATENCY_MS = 4_294_967_295;
const MUNICIPALITY = /^\d{6}$/;

/** ClickHouse `DateTime('UTC')` text, seconds precision (18.16 has no DateTime64). */
export function clickhouseTime(at: Date): string {
  const second = Math.floor(at.getTime() / 1000);
  // Consecutive events mostly share their second and day: remember the last answer (same result, less work).
  if (second !== lastTime.second)
    lastTime = { second, text: at.toISOString().slice(0, 19).replace('T', ' ') };
  return lastTime.text;
}
let lastTime = { second: Number.NaN, text: '' };
/** The Japanese calendar day of an instant: administrative days are JST days. */
export function jstDay(at: Date): string {
  const day = Math.floor((at.getTime() + JST_OFFSET_MS) / DAY_MS);
  if (day !== lastDay.day) lastDay = { day, text: new Date(day * DAY_MS).toISOString().slice(0, 10) };
  return lastDay.text;
}
let lastDay = { day: Number.NaN, text: '' };
const municipalityOf = (party: string): string => (MUNICIPALITY.test(party) ? party : '');

/** Joins a revocation to its grant without storing the consent id: SHA-256, first 16 bytes. */
export const consentRef = (consentId: string): string =>
  createHash('sha256').update(`tsunagi-consent-ref:${consentId}`).digest('hex').slice(0, 32);

const when = (event: TsunagiEvent, at: Date = event.envelope.occurredAt) => ({
  event_id: event.envelope.eventId,
  at: clickhouseTime(at),
  day: jstDay(at),
});

export function trailFact(event: DisclosureRecorded): TrailFact {
  const { data, envelope } = event;
  const latency = envelope.recordedAt.getTime() - envelope.occurredAt.getTime();
  // Fields written out rather than spread from when(): this runs for every trail record.
  return {
    event_id: envelope.eventId,
    at: clickhouseTime(envelope.occurredAt),
    day: jstDay(envelope.occurredAt),
    requester: data.requester,
    office_work: data.officeWork,
    provider: data.provider,
    item: data.itemKind,
    outcome: data.outcome,
    // Since trail v3 the reason is the code alone; v1 and v2 records may hold "CODE: detail".
    refusal_reason: data.refusalReason?.split(':')[0]?.trim() ?? '',
    channel: data.channel,
    latency_ms: Math.min(Math.max(0, Math.round(latency)), MAX_LATENCY_MS),
    requester_municipality: municipalityOf(data.requester),
    provider_municipality: municipalityOf(data.provider),
  };
}

/**
 * Kept to the month: a change's day can be personal (a BIRTH's day is a birth date), and the
 * reports count changes per month anyway. `at` and `day` are the first of the JST month.
 */
export function recordChangeFact(event: ResidentRecordChanged): RecordChangeFact {
  const month = `${jstDay(event.envelope.occurredAt).slice(0, 7)}-01`;
  return {
    event_id: event.envelope.eventId,
    at: `${month} 00:00:00`,
    day: month,
    change_type: event.data.changeType,
    municipality: event.data.address.municipalityCode,
  };
}

export const consentGrantedFact = (event: ConsentGranted): ConsentFact => ({
  ...when(event, event.envelope.recordedAt),
  consent_ref: consentRef(event.data.consentId),
  state: 'GRANTED',
  recipient: event.data.recipient,
  purpose: event.data.purpose.slice(0, 128),
});

/** A revocation names only the consent: recipient and purpose come from its grant (`grant`), when known. */
export const consentRevokedFact = (
  event: ConsentRevoked,
  grant: { recipient: string; purpose: string } | undefined,
): ConsentFact => ({
  ...when(event, event.envelope.recordedAt),
  consent_ref: consentRef(event.data.consentId),
  state: 'REVOKED',
  recipient: grant?.recipient ?? 'unknown',
  purpose: grant?.purpose ?? 'unknown',
});

export const ingestFact = (event: IngestRunCompleted): IngestFact => ({
  ...when(event, event.data.finishedAt),
  system: event.data.system,
  file: event.data.file,
  rows_read: event.data.rowsRead,
  rows_published: event.data.rowsPublished,
  rows_dead_lettered: event.data.rowsDeadLettered,
  rows_skipped: event.data.rowsSkipped,
  duration_ms: Math.max(0, event.data.finishedAt.getTime() - event.data.startedAt.getTime()),
});

/** The consent reference of a revocation (to look its grant up). */
export const revocationRef = (event: ConsentRevoked): string => consentRef(event.data.consentId);

/** Grants known to the caller, by consent reference (the sink looks them up in ClickHouse). */
export type GrantLookup = (consentRef: string) => { recipient: string; purpose: string } | undefined;

/**
 * The fact an event becomes, or undefined for events analytics does not count. Pure: the same event
 * always gives the same row (so a re-delivered event is recognised by its id).
 */
export function factOf(event: TsunagiEvent, grants: GrantLookup = () => undefined): Fact | undefined {
  switch (event.type) {
    case 'DisclosureRecorded':
      return { table: 'trail_facts', row: trailFact(event) };
    case 'ResidentRecordChanged':
      return { table: 'record_change_facts', row: recordChangeFact(event) };
    case 'ConsentGranted':
      return { table: 'consent_facts', row: consentGrantedFact(event) };
    case 'ConsentRevoked':
      return {
        table: 'consent_facts',
        row: consentRevokedFact(event, grants(consentRef(event.data.consentId))),
      };
    case 'IngestRunCompleted':
      return { table: 'ingest_facts', row: ingestFact(event) };
    default:
      return undefined;
  }
}
