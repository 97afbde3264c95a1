import type * as pkijs from 'pkijs';
import type { Result } from '../core/result.js';
import { refuse } from '../core/result.js';
import type { ChangeType, ResidentRecordChanged } from '../schemas/events.js';
import { BASIC_FOUR_FIELDS, type BasicFour, type BasicFourField, normalise } from './basic-four.js';
import { parseCertificate } from './pki.js';

/**
 * "Has the resident's basic four information changed since this signing certificate was issued?"
 * — answered from the resident record's history (ResidentRecordChanged events), as a relying party
 * asks before trusting the name and address a signature carries (JPKI revokes the signing
 * certificate when they change, but a CRL can lag the registry). Pure; reports field names and
 * change types only, never values.
 */
export interface BasicFourChange {
  changeType: ChangeType;
  occurredAt: Date;
  sequence: number;
  /** The basic four fields this event changed (empty for a death, which changes none). */
  fields: BasicFourField[];
}

export type BasicFourCheck = Result<
  {
    changed: boolean;
    /** The certificate's notBefore: when it was issued. */
    issuedAt: Date;
    /** Union of the changed fields, in BASIC_FOUR_FIELDS order. */
    fields: BasicFourField[];
    changes: BasicFourChange[];
  },
  'MALFORMED' | 'NO_RECORD_AT_ISSUANCE'
>;

/** Changes after which the resident's signing certificate no longer speaks for them at all. */
const ENDS_THE_CERTIFICATE: ReadonlySet<ChangeType> = new Set(['DEATH']);

const basicFourOf = (data: ResidentRecordChanged['data']): BasicFour => ({
  name: data.name,
  address: `${data.address.prefecture}${data.address.city}${data.address.street}`,
  dateOfBirth: data.dateOfBirth,
  gender: data.gender,
});

const differing = (before: BasicFour, after: BasicFour): BasicFourField[] =>
  BASIC_FOUR_FIELDS.filter((field) => normalise(field, before[field]) !== normalise(field, after[field]));

/**
 * `history` is one resident's ResidentRecordChanged events in any order. The record as of issuance
 * is the highest-sequence event that occurred at or before notBefore; every later event (by
 * sequence) is compared with the record before it. Refuses `NO_RECORD_AT_ISSUANCE` when the history
 * does not reach back to issuance, since nothing can then be said about what the certificate shows.
 */
export function checkBasicFourSinceIssuance(
  certificate: Uint8Array | pkijs.Certificate,
  history: readonly ResidentRecordChanged[],
): BasicFourCheck {
  const parsed = certificate instanceof Uint8Array ? parseCertificate(certificate) : certificate;
  if (!parsed) return refuse('MALFORMED', 'not a DER certificate');
  const issuedAt = parsed.notBefore.value;
  const bySequence = [...history].sort((a, b) => a.data.sequence - b.data.sequence);
  const atIssuance = bySequence.filter((e) => e.envelope.occurredAt.getTime() <= issuedAt.getTime()).at(-1);
  if (!atIssuance) return refuse('NO_RECORD_AT_ISSUANCE');

  const changes: BasicFourChange[] = [];
  let previous = basicFourOf(atIssuance.data);
  for (const event of bySequence) {
    // Everything after the record as of issuance (by sequence) occurred after issuance.
    if (event.data.sequence <= atIssuance.data.sequence) continue;
    const current = basicFourOf(event.data);
    const fields = differing(previous, current);
    if (fields.length > 0 || ENDS_THE_CERTIFICATE.has(event.data.changeType)) {
      changes.push({
        changeType: event.data.changeType,
        occurredAt: event.envelope.occurredAt,
        sequence: event.data.sequence,
        fields,
      });
    }
    previous = current;
  }
  const changed = new Set(changes.flatMap((c) => c.fields));
  return {
    ok: true,
    changed: changes.length > 0,
    issuedAt,
    fields: BASIC_FOUR_FIELDS.filter((field) => changed.has(field)),
    changes,
  };
}
