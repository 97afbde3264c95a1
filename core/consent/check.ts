import type { DisclosableItem } from '../items.js';
import type { Consent, ConsentStatus } from './types.js';

export const CONSENT_CHECK_REFUSALS = [
  'NO_CONSENT',
  'PURPOSE_NOT_COVERED',
  'ITEM_NOT_COVERED',
  'CONSENT_REVOKED',
  'CONSENT_NOT_YET_VALID',
  'CONSENT_EXPIRED',
  'USES_EXHAUSTED',
] as const;
export type ConsentCheckRefusal = (typeof CONSENT_CHECK_REFUSALS)[number];

export type ConsentCheck = { ok: true; consentId: string } | { ok: false; reason: ConsentCheckRefusal };

export interface ConsentQuery {
  /** The requester of the disclosure. */
  recipient: string;
  /** The office work of the disclosure. */
  purpose: string;
  item: DisclosableItem;
  at: Date;
}

/** ACTIVE, REVOKED, or EXPIRED once `at` reaches `validUntil` (exclusive end). */
export function consentStatus(consent: Consent, at: Date): ConsentStatus {
  if (consent.revoked !== null) return 'REVOKED';
  return at.getTime() >= consent.validUntil.getTime() ? 'EXPIRED' : 'ACTIVE';
}

/** Checks one consent; the refusal order is `CONSENT_CHECK_REFUSALS`' (least to most specific). */
export function evaluateConsent(consent: Consent, query: ConsentQuery): ConsentCheck {
  const refuse = (reason: ConsentCheckRefusal): ConsentCheck => ({ ok: false, reason });
  if (consent.recipient !== query.recipient) return refuse('NO_CONSENT');
  if (consent.purpose !== query.purpose) return refuse('PURPOSE_NOT_COVERED');
  if (!consent.items.includes(query.item)) return refuse('ITEM_NOT_COVERED');
  const status = consentStatus(consent, query.at);
  if (status === 'REVOKED') return refuse('CONSENT_REVOKED');
  if (query.at.getTime() < consent.validFrom.getTime()) return refuse('CONSENT_NOT_YET_VALID');
  if (status === 'EXPIRED') return refuse('CONSENT_EXPIRED');
  if (consent.maxUses !== null && consent.uses >= consent.maxUses) return refuse('USES_EXHAUSTED');
  return { ok: true, consentId: consent.consentId };
}

const rank = (check: ConsentCheck): number =>
  check.ok ? CONSENT_CHECK_REFUSALS.length : CONSENT_CHECK_REFUSALS.indexOf(check.reason);

/**
 * Does one resident's set of consents let `recipient` use `item` for `purpose` at `at`?
 * The first consent that covers it wins (in the order given); otherwise the refusal is
 * the one from the consent that came closest, so a resident who revoked the matching
 * consent hears CONSENT_REVOKED, not PURPOSE_NOT_COVERED from an unrelated one. Pure.
 */
export function checkConsent(consents: Iterable<Consent>, query: ConsentQuery): ConsentCheck {
  let best: ConsentCheck = { ok: false, reason: 'NO_CONSENT' };
  for (const consent of consents) {
    const check = evaluateConsent(consent, query);
    if (check.ok) return check;
    if (rank(check) > rank(best)) best = check;
  }
  return best;
}
