import { z } from 'zod';
import { DATE_BOUNDS_MESSAGE, isDateInBounds } from '../dates.js';

/**
 * The words the legal-basis table, the consent artefact, the trail and the gateway share: agencies,
 * office work, dates, channels and outcomes (the items are in core/items.ts). Pure; no I/O.
 */

/**
 * How a disclosure happened: an agency's inquiry, a subscription notice, a private service, the portal,
 * a link (POST /v1/links: the agency's own code) or an eligibility notice to the responsible agency.
 */
export const DISCLOSURE_CHANNELS = [
  'INQUIRY',
  'SUBSCRIPTION',
  'SELF_INFORMATION',
  'RESIDENT_PORTAL',
  'LINKING',
  'NOTICE',
] as const;
export type DisclosureChannel = (typeof DISCLOSURE_CHANNELS)[number];

/** What became of one requested item; every outcome is recorded in the trail. */
export const DISCLOSURE_OUTCOMES = ['DISCLOSED', 'REFUSED', 'NOT_FOUND'] as const;
export type DisclosureOutcome = (typeof DISCLOSURE_OUTCOMES)[number];

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const SIX_DIGITS = /^\d{6}$/;

/**
 * An agency id: a 6-digit local government code (a municipality) or a kebab-case
 * name ("jps", "hello-work", "isa", "resident-registry", a private service's id).
 */
export const AgencyId = z
  .string()
  .max(32)
  .refine((value) => SIX_DIGITS.test(value) || KEBAB.test(value), {
    error: 'must be a 6-digit local government code or a kebab-case agency id',
  });
export type AgencyId = string;

/** A legally defined office work (事務), named in kebab case, e.g. "child-allowance-eligibility". */
export const OfficeWork = z.string().max(80).regex(KEBAB, { error: 'must be a kebab-case office work code' });
export type OfficeWork = string;

/** Calendar date as the law counts it (Japan), "YYYY-MM-DD", inside `DATE_BOUNDS`; compared as strings. */
export const LegalDate = z.iso
  .date({ error: 'must be a calendar date YYYY-MM-DD', abort: true })
  .refine(isDateInBounds, DATE_BOUNDS_MESSAGE);
export type LegalDate = string;

/** An agency id that is 6 digits is a municipality (its local government code). */
export const isMunicipality = (agencyId: string): boolean => SIX_DIGITS.test(agencyId);

/**
 * The 6th digit of a local government code (全国地方公共団体コード) is a check digit:
 * weights 6,5,4,3,2 on the first five digits, then the last digit of 11 − (sum mod 11).
 * Used to catch typos in configuration; requests are matched on the 6-digit shape alone.
 */
export function isValidLocalGovernmentCode(code: string): boolean {
  if (!SIX_DIGITS.test(code)) return false;
  const digits = [...code].map(Number);
  const sum = [6, 5, 4, 3, 2].reduce((acc, weight, index) => acc + weight * (digits[index] ?? 0), 0);
  return (11 - (sum % 11)) % 10 === digits[5];
}

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** The legal date (Japan Standard Time, no daylight saving) of an instant. */
export const legalDateOf = (instant: Date): LegalDate =>
  new Date(instant.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
