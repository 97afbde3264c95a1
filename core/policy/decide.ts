import type { ConsentCheck, ConsentCheckRefusal } from '../consent/check.js';
import type { DisclosableItem } from '../items.js';
import type { ResidentPlaces } from '../resident/record.js';
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
  type DisclosureChannel,
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
  /**
   * The agency asked to provide the item, e.g. "271004" or "resident-registry". When absent, the
   * first row (in table order) that determines one names it (`resolveProvider`).
   */
  provider?: AgencyId | undefined;
  item: DisclosableItem;
  /** The legal date the disclosure happens on (see `legalDateOf`). */
  on: LegalDate;
  /** Self-information use always needs the resident's consent, whatever the row says. Default: INQUIRY. */
  channel?: DisclosureChannel | undefined;
  /** The requester asks that the resident not see this disclosure until then (`decideNonDisclosure`). */
  nonDisclosure?: NonDisclosureRequest | undefined;
}

export interface DisclosureContext {
  /**
   * Where the resident lives and lived (their resident record), looked up by the caller: resolves
   * "any-municipality" and "previous-residence-municipality" rows. Absent or null: unknown.
   */
  resident?: ResidentPlaces | null | undefined;
  /**
   * `checkConsent(residentConsents, { recipient: requester, purpose: officeWork, item, at })`.
   * Only read when every applicable row requires consent.
   */
  consent?: ConsentCheck;
}

/** Recorded as the provider when the request named none and no legal-basis row determined one. */
export const UNSPECIFIED_PROVIDER = 'unspecified';

/** Why a disclosure was refused: a stable code, and what exactly (a row's dates, the consent's state). */
export interface Refusal {
  reason: DisclosureRefusal;
  /** Never personal data: dates, row ids, consent states. Null when the code says it all. */
  detail: string | null;
}

export type DisclosureDecision =
  | {
      ok: true;
      /** The provider the decision is about: as requested, or as the row determined. */
      provider: AgencyId;
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
  | ({ ok: false; provider: AgencyId; rowId: string | null } & Refusal);

const requesterMatches = (row: LegalBasisRow, requester: AgencyId): boolean =>
  row.requester === ANY_MUNICIPALITY ? isMunicipality(requester) : row.requester === requester;

function providerMatches(row: LegalBasisRow, provider: AgencyId, resident: ResidentPlaces | null): boolean {
  if (row.provider === ANY_MUNICIPALITY) return isMunicipality(provider);
  if (row.provider === PREVIOUS_RESIDENCE_MUNICIPALITY) {
    return isMunicipality(provider) && provider === resident?.previousMunicipality;
  }
  return row.provider === provider;
}

/** The concrete provider a row names for this resident; undefined when it depends on what is unknown. */
function providerOf(row: LegalBasisRow, resident: ResidentPlaces | null): AgencyId | undefined {
  if (row.provider === ANY_MUNICIPALITY) return resident?.currentMunicipality ?? undefined;
  if (row.provider === PREVIOUS_RESIDENCE_MUNICIPALITY) return resident?.previousMunicipality ?? undefined;
  return row.provider;
}

/**
 * Where the item comes from when the request did not say: the first row (table order) for the
 * requester, office work and item that determines a provider, "any-municipality" meaning where the
 * resident lives. UNSPECIFIED_PROVIDER when none does (the refusal is recorded under it).
 */
export function resolveProvider(
  policy: LegalBasisPolicy,
  request: Pick<DisclosureRequest, 'requester' | 'officeWork' | 'item'>,
  resident: ResidentPlaces | null,
): AgencyId {
  for (const row of policy.rows) {
    if (!requesterMatches(row, request.requester)) continue;
    if (row.officeWork !== request.officeWork || row.item !== request.item) continue;
    const provider = providerOf(row, resident);
    if (provider) return provider;
  }
  return UNSPECIFIED_PROVIDER;
}

/** A consent that does not cover the use, as a disclosure refusal: none at all is CONSENT_REQUIRED. */
export const consentRefusal = (reason: ConsentCheckRefusal): Refusal =>
  reason === 'NO_CONSENT'
    ? { reason: 'CONSENT_REQUIRED', detail: null }
    : { reason: 'CONSENT_NOT_COVERING', detail: reason };

const isEffective = (row: LegalBasisRow, on: LegalDate): boolean =>
  row.effectiveFrom <= on && (row.effectiveUntil === null || on <= row.effectiveUntil);

const permit = (
  provider: AgencyId,
  policy: LegalBasisPolicy,
  row: LegalBasisRow,
  consentId: string | null,
  hidden: { until: LegalDate | null; reason: NonDisclosureReason | null; caseReference: string | null },
): DisclosureDecision => ({
  ok: true,
  provider,
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
 * passed. Without a provider in the request, the rows determine it (`resolveProvider`). Pure and
 * deterministic; when several rows permit, the first in table order that needs no consent is cited
 * (else the first). A refusal names the first check that failed, with its detail and the row.
 */
export function decideDisclosure(
  policy: LegalBasisPolicy,
  request: DisclosureRequest,
  context: DisclosureContext = {},
): DisclosureDecision {
  const resident = context.resident ?? null;
  const provider = request.provider ?? resolveProvider(policy, request, resident);
  const refuse = (reason: DisclosureRefusal, detail: string | null = null, rowId: string | null = null) =>
    ({ ok: false, provider, reason, detail, rowId }) as const;

  const basis = policy.rows.filter(
    (row) =>
      requesterMatches(row, request.requester) &&
      row.officeWork === request.officeWork &&
      row.item === request.item,
  );
  if (basis.length === 0) return refuse('NO_LEGAL_BASIS');

  const forProvider = basis.filter((row) => providerMatches(row, provider, resident));
  if (forProvider.length === 0) {
    const needsPreviousResidence = basis.some((row) => row.provider === PREVIOUS_RESIDENCE_MUNICIPALITY);
    const unknown = resident?.previousMunicipality == null;
    return needsPreviousResidence && unknown && isMunicipality(provider)
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
  if (!hidden.ok) return refuse(hidden.reason, hidden.detail ?? null, row.id);

  const needsConsent = withoutConsent === undefined || request.channel === 'SELF_INFORMATION';
  if (!needsConsent) return permit(provider, policy, row, null, hidden);
  const consent = context.consent ?? { ok: false, reason: 'NO_CONSENT' };
  if (!consent.ok) {
    const refused = consentRefusal(consent.reason);
    return refuse(refused.reason, refused.detail, row.id);
  }
  return permit(provider, policy, row, consent.consentId, hidden);
}
