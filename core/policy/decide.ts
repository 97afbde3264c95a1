import type { ConsentCheck } from '../consent/check.js';
import {
  decideNonDisclosure,
  NON_DISCLOSURE_REFUSALS,
  type NonDisclosureReason,
  type NonDisclosureRequest,
} from './non-disclosure.js';
import {
  ANY_MUNICIPALITY,
  type LegalBasisPolicy,
  type LegalBasisRow,
  PREVIOUS_RESIDENCE_MUNICIPALITY,
} from './table.js';
import {
  type AgencyId,
  type ItemKind,
  isMunicipality,
  type LegalDate,
  type OfficeWork,
} from './vocabulary.js';

/** Stable refusal codes of `decideDisclosure`, in the order the checks run (docs/legal-basis.md). */
export const DISCLOSURE_REFUSALS = [
  'NO_LEGAL_BASIS',
  'PROVIDER_NOT_PERMITTED',
  'PREVIOUS_RESIDENCE_UNKNOWN',
  'BASIS_NOT_YET_EFFECTIVE',
  'BASIS_EXPIRED',
  ...NON_DISCLOSURE_REFUSALS,
  'CONSENT_REQUIRED',
  'CONSENT_NOT_COVERING',
] as const;
export type DisclosureRefusal = (typeof DISCLOSURE_REFUSALS)[number];

export interface DisclosureRequest {
  /** The authenticated requesting agency (a 6-digit code for a municipality). */
  requester: AgencyId;
  officeWork: OfficeWork;
  /** The agency asked to provide the item, e.g. "271004" or "resident-registry". */
  provider: AgencyId;
  item: ItemKind;
  /** The legal date the disclosure happens on (see `legalDateOf`). */
  on: LegalDate;
  /** Self-information use always needs the resident's consent, whatever the row says. Default: INQUIRY. */
  channel?: DisclosureChannel;
  /** The requester asks that the resident not see this disclosure until then (`decideNonDisclosure`). */
  nonDisclosure?: NonDisclosureRequest | undefined;
}

/** The channels of the trail (schemas' DisclosureChannel), named here so core imports nothing else. */
export type DisclosureChannel =
  | 'INQUIRY'
  | 'SUBSCRIPTION'
  | 'SELF_INFORMATION'
  | 'RESIDENT_PORTAL'
  | 'LINKING'
  | 'NOTICE';

export interface DisclosureContext {
  /** Local government code of the resident's previous municipality, looked up by the caller; null if none. */
  previousResidenceMunicipality?: string | null;
  /**
   * `checkConsent(residentConsents, { recipient: requester, purpose: officeWork, item, at })`.
   * Only read when every applicable row requires consent.
   */
  consent?: ConsentCheck;
}

export type DisclosureDecision =
  | {
      ok: true;
      row: LegalBasisRow;
      /** The table edition that permitted it, for the trail. */
      revision: string;
      consentId: string | null;
      /** The resident sees this disclosure only from this date; null when visible at once. */
      nonDisclosureUntil: LegalDate | null;
      /** Why the requester had it hidden (recorded in the trail); null when not at their request. */
      nonDisclosureReason: NonDisclosureReason | null;
      caseReference: string | null;
    }
  | { ok: false; reason: DisclosureRefusal; detail?: string; rowId?: string };

const requesterMatches = (row: LegalBasisRow, requester: AgencyId): boolean =>
  row.requester === ANY_MUNICIPALITY ? isMunicipality(requester) : row.requester === requester;

function providerMatches(row: LegalBasisRow, provider: AgencyId, context: DisclosureContext): boolean {
  if (row.provider === ANY_MUNICIPALITY) return isMunicipality(provider);
  if (row.provider === PREVIOUS_RESIDENCE_MUNICIPALITY) {
    return isMunicipality(provider) && provider === context.previousResidenceMunicipality;
  }
  return row.provider === provider;
}

const isEffective = (row: LegalBasisRow, on: LegalDate): boolean =>
  row.effectiveFrom <= on && (row.effectiveUntil === null || on <= row.effectiveUntil);

const refuse = (reason: DisclosureRefusal, detail?: string, rowId?: string): DisclosureDecision => ({
  ok: false,
  reason,
  ...(detail === undefined ? {} : { detail }),
  ...(rowId === undefined ? {} : { rowId }),
});

const permit = (
  policy: LegalBasisPolicy,
  row: LegalBasisRow,
  consentId: string | null,
  hidden: { until: LegalDate | null; reason: NonDisclosureReason | null; caseReference: string | null },
): DisclosureDecision => ({
  ok: true,
  row,
  revision: policy.revision,
  consentId,
  nonDisclosureUntil: hidden.until,
  nonDisclosureReason: hidden.reason,
  caseReference: hidden.caseReference,
});

/**
 * Default deny: permits only when a row matches the requester, office work, provider and
 * item, is in force on `request.on`, allows any hiding the requester asked for, and — if every
 * such row requires consent, or the channel is self-information — the supplied consent check
 * passed. Pure and deterministic; when several rows permit, the first in table order that needs
 * no consent is cited (else the first). A refusal names the first check that failed.
 */
export function decideDisclosure(
  policy: LegalBasisPolicy,
  request: DisclosureRequest,
  context: DisclosureContext = {},
): DisclosureDecision {
  const basis = policy.rows.filter(
    (row) =>
      requesterMatches(row, request.requester) &&
      row.officeWork === request.officeWork &&
      row.item === request.item,
  );
  if (basis.length === 0) return refuse('NO_LEGAL_BASIS');

  const forProvider = basis.filter((row) => providerMatches(row, request.provider, context));
  if (forProvider.length === 0) {
    const needsPreviousResidence = basis.some((row) => row.provider === PREVIOUS_RESIDENCE_MUNICIPALITY);
    const unknown = context.previousResidenceMunicipality == null;
    return needsPreviousResidence && unknown && isMunicipality(request.provider)
      ? refuse('PREVIOUS_RESIDENCE_UNKNOWN')
      : refuse('PROVIDER_NOT_PERMITTED');
  }

  const inForce = forProvider.filter((row) => isEffective(row, request.on));
  if (inForce.length === 0) {
    const upcoming = forProvider.find((row) => row.effectiveFrom > request.on);
    if (upcoming !== undefined) {
      return refuse('BASIS_NOT_YET_EFFECTIVE', `effective from ${upcoming.effectiveFrom}`, upcoming.id);
    }
    const lapsed = forProvider.reduce((latest, row) =>
      (row.effectiveUntil ?? '') > (latest.effectiveUntil ?? '') ? row : latest,
    );
    return refuse('BASIS_EXPIRED', `effective until ${lapsed.effectiveUntil}`, lapsed.id);
  }

  const withoutConsent = inForce.find((row) => !row.consentRequired);
  const row = withoutConsent ?? (inForce[0] as LegalBasisRow);
  const hidden = decideNonDisclosure(row, request.on, request.nonDisclosure);
  if (!hidden.ok) return refuse(hidden.reason, hidden.detail, row.id);

  const needsConsent = withoutConsent === undefined || request.channel === 'SELF_INFORMATION';
  if (!needsConsent) return permit(policy, row, null, hidden);
  const consent = context.consent;
  if (consent === undefined || (!consent.ok && consent.reason === 'NO_CONSENT')) {
    return refuse('CONSENT_REQUIRED', undefined, row.id);
  }
  if (!consent.ok) return refuse('CONSENT_NOT_COVERING', consent.reason, row.id);
  return permit(policy, row, consent.consentId, hidden);
}
