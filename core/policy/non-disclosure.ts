import { z } from 'zod';
import type { LegalBasisRow, NonDisclosureRule } from './table.js';
import type { LegalDate } from './vocabulary.js';

/**
 * Hiding a disclosure from the resident (DESIGN.md §2.4) needs a basis: a legal-basis row that allows
 * it (`nonDisclosureRequest: { maxDays }`), a period within that maximum, and a reason from this closed
 * list, recorded in the trail. Free text is never accepted: it could carry personal data. Pure; the
 * runtime imports are zod alone, so schemas/ can take the reason list from here.
 */
export const NON_DISCLOSURE_REASONS = [
  'CRIMINAL_INVESTIGATION',
  'TAX_INVESTIGATION',
  'BENEFIT_FRAUD_INVESTIGATION',
  'CHILD_PROTECTION_INVESTIGATION',
] as const;
export type NonDisclosureReason = (typeof NON_DISCLOSURE_REASONS)[number];
export const NonDisclosureReasonCode = z.enum(NON_DISCLOSURE_REASONS);

/**
 * An agency's case number: up to four groups of at most 8 digits, e.g. `2025-000123`. No letters and
 * no run of 9 or more digits, so it can hold neither a name nor a My Number (12 digits).
 */
export const CaseReference = z
  .string()
  .max(35)
  .regex(/^\d{1,8}(?:-\d{1,8}){0,3}$/, {
    error: 'must be up to four groups of at most 8 digits separated by hyphens, e.g. 2025-000123',
  });

/** Refusal codes of `decideNonDisclosure`, in the order its checks run. */
export const NON_DISCLOSURE_REFUSALS = [
  'NON_DISCLOSURE_NO_BASIS',
  'NON_DISCLOSURE_REASON_MISSING',
  'NON_DISCLOSURE_TOO_LONG',
] as const;
export type NonDisclosureRefusal = (typeof NON_DISCLOSURE_REFUSALS)[number];

/** What a requester asks: hide the disclosure until `until` (a legal date), for `reason`. */
export interface NonDisclosureRequest {
  until: LegalDate;
  reason?: NonDisclosureReason | undefined;
  caseReference?: string | undefined;
}

export type NonDisclosureDecision =
  | {
      ok: true;
      /** The resident sees the disclosure from this date; null when at once. */
      until: LegalDate | null;
      /** Set only when the requester's hiding applies; a row's own rule needs no reason. */
      reason: NonDisclosureReason | null;
      caseReference: string | null;
    }
  | { ok: false; reason: NonDisclosureRefusal; detail?: string };

export function addDays(date: LegalDate, days: number): LegalDate {
  const instant = new Date(`${date}T00:00:00Z`);
  instant.setUTCDate(instant.getUTCDate() + days);
  return instant.toISOString().slice(0, 10);
}

/** The date a row's own rule hides a disclosure made `on` until; null when it does not hide it. */
export function nonDisclosureUntil(rule: NonDisclosureRule | undefined, on: LegalDate): LegalDate | null {
  if (rule === undefined) return null;
  const until = 'until' in rule ? rule.until : addDays(on, rule.days);
  return until > on ? until : null;
}

/**
 * Decides the embargo of a disclosure made `on` under `row`. Without a request (or with a date not
 * after `on`) only the row's own rule applies. A request needs, in this order: a row allowing it
 * (NON_DISCLOSURE_NO_BASIS), a reason (NON_DISCLOSURE_REASON_MISSING), and an end no later than
 * `on` + the row's `maxDays` (NON_DISCLOSURE_TOO_LONG). When both apply, the later date wins.
 */
export function decideNonDisclosure(
  row: LegalBasisRow,
  on: LegalDate,
  requested: NonDisclosureRequest | undefined,
): NonDisclosureDecision {
  const byRow = nonDisclosureUntil(row.nonDisclosure, on);
  if (requested === undefined || requested.until <= on) {
    return { ok: true, until: byRow, reason: null, caseReference: null };
  }
  const allowed = row.nonDisclosureRequest;
  if (allowed === undefined) {
    return { ok: false, reason: 'NON_DISCLOSURE_NO_BASIS', detail: `row ${row.id} allows no hiding` };
  }
  if (requested.reason === undefined) return { ok: false, reason: 'NON_DISCLOSURE_REASON_MISSING' };
  const latest = addDays(on, allowed.maxDays);
  if (requested.until > latest) {
    return {
      ok: false,
      reason: 'NON_DISCLOSURE_TOO_LONG',
      detail: `row ${row.id} allows at most ${allowed.maxDays} days, until ${latest}`,
    };
  }
  return {
    ok: true,
    until: byRow !== null && byRow > requested.until ? byRow : requested.until,
    reason: requested.reason,
    caseReference: requested.caseReference ?? null,
  };
}
