import avro from 'avsc';
import { TsunagiError } from '../core/errors.js';
import { loadSchema } from './catalogue.js';
import { EVENT_SUBJECTS, type EventType, type ItemKind, parseEvent, type TsunagiEvent } from './events.js';
import { avroOptions } from './logical-types.js';

export { avroOptions } from './logical-types.js';

/**
 * Domain event ↔ Avro record. The record puts the envelope (with `type`) in `envelope` and the
 * data fields beside it; the item payload is a wrapped union keyed by the record's full name.
 *
 * Guarantee: Avro binary encoding has no field names, no maps in our schemas and no optional
 * padding, so for one schema version an event has exactly one encoding (yen decimals are written
 * minimal-length). `canonicalBytes` relies on that.
 */
export type AvroRecord = Record<string, unknown> & { envelope: Record<string, unknown> };

const NAMESPACE = 'jp.tsunagi.events';
const PAYLOAD_BRANCHES = {
  LOCAL_TAX_INCOME: `${NAMESPACE}.LocalTaxIncome`,
  CHILD_ALLOWANCE_STATUS: `${NAMESPACE}.ChildAllowance`,
  CARE_LEVEL: `${NAMESPACE}.CareLevelCertification`,
  PUBLIC_ASSISTANCE_STATUS: `${NAMESPACE}.PublicAssistance`,
  PENSION_BENEFIT_AMOUNT: `${NAMESPACE}.PensionBenefit`,
  DISABILITY_CERTIFICATE: `${NAMESPACE}.DisabilityCertificate`,
} as const satisfies Record<ItemKind, string>;

const types = new Map<string, avro.Type>();

/** The avsc type of a subject version, built once from its .avsc file with our logical types. */
export function avroType(subject: string, version: number): avro.Type {
  const key = `${subject}@${version}`;
  let type = types.get(key);
  if (!type) {
    type = avro.Type.forSchema(loadSchema(subject, version) as avro.Schema, { ...avroOptions });
    types.set(key, type);
  }
  return type;
}

export const currentVersion = (type: EventType): number => EVENT_SUBJECTS[type].version;
export const subjectOf = (type: EventType): string => EVENT_SUBJECTS[type].subject;

/** Pure mapping to the Avro record shape (valid for every version of the event's subject). */
export function toAvroRecord(event: TsunagiEvent): AvroRecord {
  const envelope = { ...event.envelope, type: event.type };
  const data: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(event.data)) data[field] = asBuffer(value);
  if (event.type === 'InformationItemPublished') {
    data.payload = { [PAYLOAD_BRANCHES[event.data.itemKind]]: event.data.payload };
  }
  if (event.type === 'AgencyNotified' && event.data.payload !== null) {
    // An unknown branch (itemKind not a published item) leaves the record invalid: INPUT_INVALID.
    const branch = PAYLOAD_BRANCHES[event.data.itemKind as ItemKind];
    data.payload = branch === undefined ? {} : { [branch]: event.data.payload };
  }
  if (event.type === 'DeadLetterRecorded' && event.data.sealedOriginal) {
    const { ciphertext, nonce, keyVersion } = event.data.sealedOriginal;
    data.sealedOriginal = { ciphertext: asBuffer(ciphertext), nonce: asBuffer(nonce), keyVersion };
  }
  return { envelope, ...data };
}

/**
 * Pure mapping back to a validated domain event. Fields a writer's older version lacked take their
 * domain defaults. Throws `INPUT_INVALID` when the record is not a valid event.
 */
export function fromAvroRecord(record: AvroRecord): TsunagiEvent {
  const { envelope, ...data } = record;
  const { type, ...rest } = envelope;
  if (data.payload && typeof data.payload === 'object') {
    const [branch, payload] = Object.entries(data.payload)[0] ?? [];
    const kind = Object.entries(PAYLOAD_BRANCHES).find(([, name]) => name === branch)?.[0];
    if (kind !== data.itemKind) {
      throw new TsunagiError('INPUT_INVALID', `payload branch ${branch} does not match itemKind`, {
        path: 'payload',
      });
    }
    data.payload = payload === undefined ? undefined : { ...payload };
  }
  return parseEvent({ type, envelope: rest, data: { ...data } });
}

/** Avro binary body (no registry wire header) of an event at a version, by default the current one. */
export function encodeEvent(event: TsunagiEvent, version: number = currentVersion(event.type)): Buffer {
  const type = avroType(subjectOf(event.type), version);
  const record = toAvroRecord(event);
  const paths: string[] = [];
  if (!type.isValid(record, { errorHook: (path) => paths.push(path.join('.')) })) {
    // The field, never its value (it may be personal data); out-of-range dates fail here too.
    const at = paths[0] ? ` at ${paths[0]}` : '';
    throw new TsunagiError('INPUT_INVALID', `event does not fit ${subjectOf(event.type)} v${version}${at}`, {
      path: paths[0] ?? '',
    });
  }
  return type.toBuffer(record);
}

/**
 * Decodes a body written with `writerVersion` of `subject`, resolved into the current version's
 * reader schema (so a v1 body of a subject now at v2 gets v2's defaults).
 */
export function decodeEvent(subject: string, writerVersion: number, body: Uint8Array): TsunagiEvent {
  const eventType = (Object.keys(EVENT_SUBJECTS) as EventType[]).find((t) => subjectOf(t) === subject);
  if (!eventType) throw new TsunagiError('SCHEMA_NOT_FOUND', `no event type for subject ${subject}`);
  const reader = avroType(subject, currentVersion(eventType));
  const writer = avroType(subject, writerVersion);
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let record: AvroRecord;
  try {
    record =
      writer === reader
        ? reader.fromBuffer(buffer)
        : reader.fromBuffer(buffer, reader.createResolver(writer));
  } catch (cause) {
    throw new TsunagiError('INPUT_INVALID', `cannot decode ${subject} v${writerVersion}`, { cause });
  }
  return fromAvroRecord(record);
}

/** The bytes the Merkle trail hashes: the event's Avro body at its current schema version. */
export const canonicalBytes = (event: TsunagiEvent): Buffer => encodeEvent(event);

function asBuffer(value: unknown): unknown {
  return value instanceof Uint8Array && !Buffer.isBuffer(value)
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    : value;
}
