import { z } from 'zod';
import { concat, equalBytes, fromBase64, fromUtf8, toBase64, utf8 } from './bytes.js';

/**
 * The public trail entry: what the Merkle log's leaf is made of (docs/trail-log.md, "Entries").
 * A DisclosureRecorded without the linkage id and without the fields that would let a reader link two
 * entries of one resident (correlation id, consent id, disclosed digest, case reference); the
 * resident is bound by `subject`, the rest by `sealed`, both HMAC-SHA-256 under the resident's trail
 * key (a key the hub derives from its own key and the linkage id). Canonical JSON: UTF-8, keys sorted,
 * no whitespace, every value a string or null, so one entry has exactly one spelling. Browser-safe.
 */
export const PUBLIC_ENTRY_FORMAT = 'tsunagi-trail-entry/v1';
/** HMAC message prefixes (domain separation): `label ‖ 0x00 ‖ payload`. */
export const SUBJECT_LABEL = 'tsunagi-trail-subject/v1';
export const SEALED_LABEL = 'tsunagi-trail-sealed/v1';

const code = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/);
const id = z.string().min(1).max(128);
const mac = z.string().refine((text) => fromBase64(text)?.length === 32, 'must be a base64 32-byte MAC');

export const PublicTrailEntry = z.strictObject({
  format: z.literal(PUBLIC_ENTRY_FORMAT),
  eventId: id,
  occurredAt: z.iso.datetime({ precision: 3 }),
  recordedAt: z.iso.datetime({ precision: 3 }),
  producer: id,
  requester: id,
  officeWork: id,
  legalBasisRowId: id.nullable(),
  provider: id,
  itemKind: code,
  outcome: code,
  refusalReason: z.string().max(1024).nullable(),
  channel: code,
  nonDisclosureUntil: z.iso.date().nullable(),
  nonDisclosureReason: code.nullable(),
  /** HMAC(residentKey, SUBJECT_LABEL ‖ 0 ‖ eventId): whose entry it is, for the resident to check. */
  subject: mac,
  /** HMAC(residentKey, SEALED_LABEL ‖ 0 ‖ canonical JSON of the SealedFields): the rest of the record. */
  sealed: mac,
});
export type PublicTrailEntry = z.output<typeof PublicTrailEntry>;

/** The record's fields an entry binds without showing them; `disclosedDigest` as base64. */
export interface SealedFields {
  eventId: string;
  correlationId: string;
  consentId: string | null;
  disclosedDigest: string | null;
  nonDisclosureCaseReference: string | null;
}

/** JSON with the keys of every object sorted (by UTF-16 code units) and no whitespace. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export const encodePublicEntry = (entry: PublicTrailEntry): Uint8Array => utf8(canonicalJson(entry));

/** Parses entry bytes; refuses anything that is not exactly the canonical spelling of a valid entry. */
export function parsePublicEntry(
  bytes: Uint8Array,
): { ok: true; entry: PublicTrailEntry } | { ok: false; detail: string } {
  const text = fromUtf8(bytes);
  if (text === undefined) return { ok: false, detail: 'the entry is not UTF-8' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, detail: 'the entry is not JSON' };
  }
  const parsed = PublicTrailEntry.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, detail: `the entry is invalid at ${issue?.path.join('.') || '(root)'}` };
  }
  if (canonicalJson(parsed.data) !== text) return { ok: false, detail: 'the entry is not in canonical form' };
  return { ok: true, entry: parsed.data };
}

export const subjectMessage = (eventId: string): Uint8Array =>
  concat(utf8(SUBJECT_LABEL), Uint8Array.of(0), utf8(eventId));

export const sealedMessage = (fields: SealedFields): Uint8Array =>
  concat(utf8(SEALED_LABEL), Uint8Array.of(0), utf8(canonicalJson(fields)));

async function hmacSha256(key: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  const imported = await globalThis.crypto.subtle.importKey(
    'raw',
    key as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signed = await globalThis.crypto.subtle.sign('HMAC', imported, message as Uint8Array<ArrayBuffer>);
  return new Uint8Array(signed);
}

/** Whether the entry is bound to the resident whose trail key this is (checked in the browser). */
export async function isEntryOf(entry: PublicTrailEntry, residentKey: Uint8Array): Promise<boolean> {
  const expected = await hmacSha256(residentKey, subjectMessage(entry.eventId));
  return equalBytes(expected, fromBase64(entry.subject) ?? new Uint8Array());
}

/** Whether `sealed` commits to these fields: how the hub opens one entry to an oversight body. */
export async function opensSealed(
  entry: PublicTrailEntry,
  residentKey: Uint8Array,
  fields: SealedFields,
): Promise<boolean> {
  if (fields.eventId !== entry.eventId) return false;
  const expected = await hmacSha256(residentKey, sealedMessage(fields));
  return toBase64(expected) === entry.sealed;
}
