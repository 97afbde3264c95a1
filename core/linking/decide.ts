import { ANY_MUNICIPALITY, type LegalBasisPolicy, type LegalBasisRow } from '../policy/table.js';
import { type AgencyId, isMunicipality, type LegalDate, type OfficeWork } from '../policy/vocabulary.js';
import { type Result, refuse } from '../result.js';

/** Stable refusal codes of `decideLinking`, recorded in the trail as the refusal reason. */
export const LINKING_REFUSALS = ['NO_LEGAL_BASIS', 'BASIS_NOT_YET_EFFECTIVE', 'BASIS_EXPIRED'] as const;
export type LinkingRefusal = (typeof LINKING_REFUSALS)[number];

/** An agency asks for its own code for the resident whose My Number it received (docs/linking.md). */
export interface LinkingRequest {
  /** The authenticated agency (a 6-digit code for a municipality). */
  requester: AgencyId;
  officeWork: OfficeWork;
  /** The legal-basis row the agency relies on: it must be the agency's, for this office work. */
  legalBasisRowId: string;
  /** The legal date of the request (`legalDateOf`). */
  on: LegalDate;
}

const requesterMatches = (row: LegalBasisRow, requester: AgencyId): boolean =>
  row.requester === ANY_MUNICIPALITY ? isMunicipality(requester) : row.requester === requester;

/**
 * Default deny: an agency may link a resident (obtain its agency code from a My Number) only under a
 * legal-basis row that names it (or any municipality, for a municipality) as requester, for the
 * office work it states, in force today. Rows that need a consent are private services' and
 * self-information use: a private service never obtains a code from a My Number. Pure.
 */
export function decideLinking(
  policy: LegalBasisPolicy,
  request: LinkingRequest,
): Result<{ row: LegalBasisRow; revision: string }, LinkingRefusal> {
  const row = policy.rows.find((r) => r.id === request.legalBasisRowId);
  if (!row) return refuse('NO_LEGAL_BASIS', `no row ${request.legalBasisRowId}`);
  if (!requesterMatches(row, request.requester) || row.consentRequired)
    return refuse('NO_LEGAL_BASIS', `row ${row.id} is not this requester's`);
  if (row.officeWork !== request.officeWork)
    return refuse('NO_LEGAL_BASIS', `row ${row.id} is for another office work`);
  if (row.effectiveFrom > request.on)
    return refuse('BASIS_NOT_YET_EFFECTIVE', `effective from ${row.effectiveFrom}`);
  if (row.effectiveUntil !== null && row.effectiveUntil < request.on)
    return refuse('BASIS_EXPIRED', `effective until ${row.effectiveUntil}`);
  return { ok: true, row, revision: policy.revision };
}
