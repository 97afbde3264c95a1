import { isEntryOf, type PublicTrailEntry, parsePublicEntry } from './public-entry.js';
import { type InclusionClaim, type VerificationFailure, verifyEntryInclusion } from './verify.js';

/**
 * What the resident's page (and `trail/verify.ts inclusion --resident-key`) checks for one entry of
 * their history: it is in the log under the signed checkpoint (verify.ts), it is a well-formed public
 * entry, it is bound to the resident's trail key, and what the page shows is what the entry says.
 * Browser-safe. Each failure has a stable reason; the detail names fields, never their values.
 */
export type ResidentEntryFailure =
  | VerificationFailure
  /** The entry bytes are not a canonical public trail entry. */
  | 'ENTRY_MALFORMED'
  /** The entry is in the log, but it is not bound to this resident's trail key. */
  | 'NOT_YOUR_ENTRY'
  /** What is shown differs from what the logged entry says. */
  | 'SHOWN_FIELDS_DIFFER';

/** The fields a history answer shows beside the entry, by their entry names. */
export type ShownFields = Partial<
  Pick<
    PublicTrailEntry,
    | 'eventId'
    | 'recordedAt'
    | 'requester'
    | 'provider'
    | 'itemKind'
    | 'officeWork'
    | 'legalBasisRowId'
    | 'channel'
    | 'outcome'
    | 'refusalReason'
  >
>;

export type ResidentEntryVerdict =
  | { ok: true; index: number; entry: PublicTrailEntry }
  | { ok: false; reason: ResidentEntryFailure; detail: string };

export async function verifyResidentEntry(
  claim: InclusionClaim & { residentKey: Uint8Array; shown?: ShownFields },
): Promise<ResidentEntryVerdict> {
  const included = await verifyEntryInclusion(claim);
  if (!included.ok) return included;
  const parsed = parsePublicEntry(claim.entry);
  if (!parsed.ok) return { ok: false, reason: 'ENTRY_MALFORMED', detail: parsed.detail };
  if (!(await isEntryOf(parsed.entry, claim.residentKey)))
    return {
      ok: false,
      reason: 'NOT_YOUR_ENTRY',
      detail: `entry ${included.index} is in the log but is not bound to this resident's trail key`,
    };
  const differing = Object.entries(claim.shown ?? {})
    .filter(([field, value]) => value !== undefined && parsed.entry[field as keyof ShownFields] !== value)
    .map(([field]) => field);
  if (differing.length > 0)
    return {
      ok: false,
      reason: 'SHOWN_FIELDS_DIFFER',
      detail: `what is shown differs from the logged entry ${included.index} in: ${differing.join(', ')}`,
    };
  return { ok: true, index: included.index, entry: parsed.entry };
}
