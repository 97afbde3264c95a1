import { hash } from 'node:crypto';
import { TsunagiError } from '../../core/errors.js';
import type { DisclosureRecorded } from '../../schemas/events.js';
import {
  PUBLIC_ENTRY_FORMAT,
  type PublicTrailEntry,
  SEALED_LABEL,
  type SealedFields,
  SUBJECT_LABEL,
} from './verifier/public-entry.js';

/** HMAC message prefix of a resident's trail key: `label ‖ 0x00 ‖ linkageId`. */
const RESIDENT_KEY_LABEL = 'tsunagi-trail-resident-key/v1';
export const MIN_SUBJECT_KEY_BYTES = 32;

/**
 * The hub's trail subject key and what it derives. A resident's trail key is
 * HMAC-SHA-256(hub key, RESIDENT_KEY_LABEL ‖ 0 ‖ linkageId): a pseudorandom 32-byte key per resident
 * that reveals nothing about the linkage id. Entries commit to the resident under that key, so
 *   - an auditor, holding neither key, cannot tell whether two entries concern one resident
 *     (each commitment is a PRF output over a unique event id);
 *   - the hub, and only the hub, can show a resident which entries are theirs: it hands the signed-in
 *     resident their trail key, and the resident's browser recomputes each entry's `subject`;
 *   - the hub can open one entry's `sealed` fields to an oversight body without opening any other.
 * The hub key must be kept as long as the log: entries already in the tree are bound to it.
 */
export interface TrailSubjectKeys {
  /** The resident's trail key (32 bytes): what the signed-in resident's page checks entries with. */
  residentKey(linkageId: string): Uint8Array;
  /** The same key ready for HMAC (its pads computed once per resident). */
  residentMac(linkageId: string): HmacKey;
}

export function createTrailSubjectKeys(hubKey: Uint8Array): TrailSubjectKeys {
  if (hubKey.length < MIN_SUBJECT_KEY_BYTES)
    throw new TsunagiError(
      'CONFIG_INVALID',
      `the trail subject key must have at least ${MIN_SUBJECT_KEY_BYTES} bytes`,
      { path: 'TSUNAGI_TRAIL_SUBJECT_KEY' },
    );
  const hub = hmacKey(hubKey);
  // A resident's entries come in bursts (the items of one inquiry): keep recent keys.
  const recent = new Map<string, HmacKey>();
  const residentMac = (linkageId: string): HmacKey => {
    let key = recent.get(linkageId);
    if (key === undefined) {
      key = hmacKey(hmac(hub, Buffer.concat([RESIDENT_KEY_PREFIX, Buffer.from(linkageId)])));
      if (recent.size >= 4_096) recent.delete(recent.keys().next().value as string);
      recent.set(linkageId, key);
    }
    return key;
  };
  return { residentMac, residentKey: (linkageId) => new Uint8Array(residentMac(linkageId).key) };
}

const RESIDENT_KEY_PREFIX = Buffer.from(`${RESIDENT_KEY_LABEL}\0`);
// The same messages as verifier/public-entry.ts builds (the unit test checks both agree).
const SUBJECT_PREFIX = Buffer.from(`${SUBJECT_LABEL}\0`);
const SEALED_PREFIX = Buffer.from(`${SEALED_LABEL}\0`);
const subjectMessage = (eventId: string) => Buffer.concat([SUBJECT_PREFIX, Buffer.from(eventId)]);
const sealedMessage = (fields: SealedFields) =>
  Buffer.concat([SEALED_PREFIX, Buffer.from(JSON.stringify(fields))]);

/**
 * HMAC-SHA-256 (RFC 2104) over one-shot hashes: about five times faster than createHmac per
 * message, which matters because the trail reader derives three MACs per entry. Keys of ≤ 64 bytes.
 */
export interface HmacKey {
  key: Uint8Array;
  inner: Buffer;
  outer: Buffer;
}
function hmacKey(key: Uint8Array): HmacKey {
  if (key.length > 64) throw new TsunagiError('CONFIG_INVALID', 'an HMAC key longer than 64 bytes');
  const pad = (byte: number) => Buffer.from(Buffer.alloc(64, byte).map((b, i) => b ^ (key[i] ?? 0)));
  return { key, inner: pad(0x36), outer: pad(0x5c) };
}
const sha256 = (input: Buffer): Buffer => hash('sha256', input, 'buffer');
const hmac = (key: HmacKey, message: Uint8Array): Uint8Array =>
  new Uint8Array(sha256(Buffer.concat([key.outer, sha256(Buffer.concat([key.inner, message]))])));
const base64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');

/** The sealed fields, keys in canonical (sorted) order so that JSON.stringify is canonical JSON. */
export const sealedFieldsOf = (event: DisclosureRecorded): SealedFields => ({
  consentId: event.data.consentId,
  correlationId: event.envelope.correlationId,
  disclosedDigest: event.data.disclosedDigest === null ? null : base64(event.data.disclosedDigest),
  eventId: event.envelope.eventId,
  nonDisclosureCaseReference: event.data.nonDisclosureCaseReference,
});

/**
 * The public entry of a trail record (pure apart from the MACs): the leaf's content. Keys are listed
 * in canonical (sorted) order, so JSON.stringify of it is the canonical JSON the verifier expects
 * (`public-entry.unit.test.ts` checks it against `canonicalJson`).
 */
export function publicTrailEntry(event: DisclosureRecorded, keys: TrailSubjectKeys): PublicTrailEntry {
  const { envelope, data } = event;
  const residentKey = keys.residentMac(data.linkageId);
  return {
    channel: data.channel,
    eventId: envelope.eventId,
    format: PUBLIC_ENTRY_FORMAT,
    itemKind: data.itemKind,
    legalBasisRowId: data.legalBasisRowId,
    nonDisclosureReason: data.nonDisclosureReason,
    nonDisclosureUntil: data.nonDisclosureUntil,
    occurredAt: envelope.occurredAt.toISOString(),
    officeWork: data.officeWork,
    outcome: data.outcome,
    producer: envelope.producer,
    provider: data.provider,
    recordedAt: envelope.recordedAt.toISOString(),
    refusalReason: data.refusalReason,
    requester: data.requester,
    sealed: base64(hmac(residentKey, sealedMessage(sealedFieldsOf(event)))),
    subject: base64(hmac(residentKey, subjectMessage(envelope.eventId))),
  };
}

/** The entry bytes the Merkle leaf hashes: `SHA-256(0x00 ‖ publicEntryBytes(event))`. */
export const publicEntryBytes = (event: DisclosureRecorded, keys: TrailSubjectKeys): Uint8Array => {
  const bytes = Buffer.from(JSON.stringify(publicTrailEntry(event, keys)));
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
};
