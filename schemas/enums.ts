/**
 * Enum symbols; the .avsc files carry the same lists (a unit test holds them together). The lists the
 * domain rules need live in core/ and are taken from there (schemas/ may import core/, never the reverse).
 */
export { DISCLOSABLE_ITEMS, PUBLISHED_ITEMS, TRAIL_ITEMS } from '../core/items.js';
export { DISCLOSURE_CHANNELS, DISCLOSURE_OUTCOMES } from '../core/policy/vocabulary.js';
export { CHANGE_TYPES, GENDERS } from '../core/resident/record.js';

export const ALLOWANCE_STATUSES = ['RECEIVING', 'SUSPENDED', 'TERMINATED', 'NOT_ELIGIBLE'] as const;
export const CARE_LEVELS = [
  'SUPPORT_1',
  'SUPPORT_2',
  'CARE_1',
  'CARE_2',
  'CARE_3',
  'CARE_4',
  'CARE_5',
] as const;
export const ASSISTANCE_STATUSES = ['RECEIVING', 'SUSPENDED', 'DISCONTINUED'] as const;
export const PENSION_KINDS = ['OLD_AGE_BASIC', 'OLD_AGE_EMPLOYEES', 'DISABILITY', 'SURVIVORS'] as const;
/** 身体障害者手帳, 療育手帳, 精神障害者保健福祉手帳. */
export const DISABILITY_CERTIFICATE_KINDS = ['PHYSICAL', 'INTELLECTUAL', 'MENTAL_HEALTH'] as const;
/** RFC 5280 §5.3.1 CRLReason, in code order (code 7 is unused). */
export const REVOCATION_REASONS = [
  'UNSPECIFIED',
  'KEY_COMPROMISE',
  'CA_COMPROMISE',
  'AFFILIATION_CHANGED',
  'SUPERSEDED',
  'CESSATION_OF_OPERATION',
  'CERTIFICATE_HOLD',
  'REMOVE_FROM_CRL',
  'PRIVILEGE_WITHDRAWN',
  'AA_COMPROMISE',
] as const;
export const REVOCATION_SOURCES = ['CRL', 'OCSP'] as const;
/** What an agency notification reports: an item published or withdrawn, or a resident record change. */
export const NOTIFICATION_ACTIONS = ['PUBLISHED', 'WITHDRAWN', 'RECORD_CHANGED'] as const;
/**
 * What the gateway refused before the access trail (security-audit topic). On the wire `kind` is a
 * string, so readers keep reading when a kind is added.
 */
export const SECURITY_EVENT_KINDS = [
  'AUTHENTICATION_REFUSED',
  'MALFORMED_REQUEST',
  'IDENTITY_UNKNOWN',
  'RATE_LIMITED',
  'RENEGOTIATION_REFUSED',
  'CLIENT_TIMED_OUT',
  'HANDSHAKE_FAILED',
] as const;
/** The resident's ledger (issue 15): one public-money account and one contact for notices. */
export const LEDGER_ENTRIES = ['PUBLIC_MONEY_ACCOUNT', 'NOTICE_CONTACT'] as const;
export const LEDGER_ACTIONS = ['REGISTERED', 'REMOVED'] as const;

/** The symbol of an RFC 5280 CRLReason code (as found in a CRL entry or OCSP answer); 7 is unused. */
export function revocationReasonFromCode(code: number): (typeof REVOCATION_REASONS)[number] | undefined {
  if (!Number.isInteger(code) || code === 7) return undefined;
  return REVOCATION_REASONS[code < 7 ? code : code - 1];
}
