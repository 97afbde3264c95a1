import type { LegalDate } from '../policy/vocabulary.js';

/** What the notices service knows of one resident; never a name or an address. */
export interface ResidentFacts {
  linkageId: string;
  dateOfBirth: LegalDate;
  householdId: string;
  /** Lives here now: not moved out, not deceased. */
  resident: boolean;
  /** Local government code of the municipality of residence; null when not known (moved out). */
  municipality: string | null;
  /** The latest known taxable income (local tax), in yen; null when none is known. */
  taxableIncome: bigint | null;
}

export const ADULT_AGE = 18;

/** Whole years from the date of birth to `on` (the birthday counts from the day itself). */
export function ageOn(dateOfBirth: LegalDate, on: LegalDate): number {
  const years = Number(on.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return on.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}

/**
 * The household's main earner (生計中心者), whom a household notice is addressed to: among its adult
 * residents other than `subject`, the one with the highest known taxable income; without any known
 * income, the eldest. Deterministic (ties go to the earlier date of birth, then the linkage id).
 */
export function chooseGuardian(
  household: readonly ResidentFacts[],
  subject: string,
  on: LegalDate,
): ResidentFacts | undefined {
  const adults = household.filter(
    (member) => member.resident && member.linkageId !== subject && ageOn(member.dateOfBirth, on) >= ADULT_AGE,
  );
  const income = (member: ResidentFacts) => member.taxableIncome ?? -1n;
  return adults.sort(
    (a, b) =>
      (income(b) > income(a) ? 1 : income(b) < income(a) ? -1 : 0) ||
      a.dateOfBirth.localeCompare(b.dateOfBirth) ||
      a.linkageId.localeCompare(b.linkageId),
  )[0];
}

/** The sum of the residents' known taxable incomes; null when none of them has one. */
export function householdIncome(household: readonly ResidentFacts[]): bigint | null {
  const known = household.filter((m) => m.resident && m.taxableIncome !== null);
  return known.length === 0 ? null : known.reduce((sum, m) => sum + (m.taxableIncome ?? 0n), 0n);
}
