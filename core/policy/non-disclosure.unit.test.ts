import { describe, expect, it } from 'vitest';
import { CaseReference, decideNonDisclosure, NonDisclosureReasonCode } from './non-disclosure.js';
import type { LegalBasisRow } from './table.js';
import { legalBasisRow } from './testing/rows.js';

const ON = '2025-06-01';
const givenRow = (overrides: Partial<LegalBasisRow> = {}): LegalBasisRow =>
  legalBasisRow({ id: 'LB-0013', officeWork: 'public-assistance-investigation', ...overrides });
const allowing = (maxDays: number, more: Partial<LegalBasisRow> = {}) =>
  givenRow({ nonDisclosureRequest: { maxDays }, ...more });

describe('decideNonDisclosure', () => {
  it('given no request, then only the row rule applies and no reason is recorded', () => {
    expect(decideNonDisclosure(givenRow(), ON, undefined)).toEqual({
      ok: true,
      until: null,
      reason: null,
      caseReference: null,
    });
    expect(decideNonDisclosure(givenRow({ nonDisclosure: { days: 30 } }), ON, undefined)).toMatchObject({
      ok: true,
      until: '2025-07-01',
      reason: null,
    });
  });

  it('given a row that allows no hiding, when 9999-12-31 is asked, then NON_DISCLOSURE_NO_BASIS naming the row', () => {
    const asked = { until: '9999-12-31', reason: 'CRIMINAL_INVESTIGATION' as const };
    expect(decideNonDisclosure(givenRow(), ON, asked)).toEqual({
      ok: false,
      reason: 'NON_DISCLOSURE_NO_BASIS',
      detail: 'row LB-0013 allows no hiding',
    });
  });

  it('given a row that allows hiding, when no reason is given, then NON_DISCLOSURE_REASON_MISSING', () => {
    expect(decideNonDisclosure(allowing(365), ON, { until: '2025-12-31' })).toEqual({
      ok: false,
      reason: 'NON_DISCLOSURE_REASON_MISSING',
    });
  });

  it('given a maximum of 365 days, when one day more is asked, then NON_DISCLOSURE_TOO_LONG with the last date', () => {
    const reason = 'BENEFIT_FRAUD_INVESTIGATION' as const;
    expect(decideNonDisclosure(allowing(365), ON, { until: '2026-06-02', reason })).toEqual({
      ok: false,
      reason: 'NON_DISCLOSURE_TOO_LONG',
      detail: 'row LB-0013 allows at most 365 days, until 2026-06-01',
    });
    expect(decideNonDisclosure(allowing(365), ON, { until: '2026-06-01', reason })).toEqual({
      ok: true,
      until: '2026-06-01',
      reason,
      caseReference: null,
    });
  });

  it('given a permitted request, then its reason and case reference are kept and the later date wins', () => {
    const row = allowing(730, { nonDisclosure: { days: 365 } });
    const asked = { until: '2025-12-31', reason: 'TAX_INVESTIGATION' as const, caseReference: '2025-000123' };
    expect(decideNonDisclosure(row, ON, asked)).toEqual({
      ok: true,
      until: '2026-06-01',
      reason: 'TAX_INVESTIGATION',
      caseReference: '2025-000123',
    });
    expect(decideNonDisclosure(row, ON, { ...asked, until: '2027-01-01' })).toMatchObject({
      until: '2027-01-01',
    });
  });

  it('given a date not after the disclosure day, then nothing is hidden and nothing is checked', () => {
    expect(decideNonDisclosure(givenRow(), ON, { until: ON })).toEqual({
      ok: true,
      until: null,
      reason: null,
      caseReference: null,
    });
  });
});

describe('reason codes and case references', () => {
  it('accepts only the closed list of reasons', () => {
    expect(NonDisclosureReasonCode.safeParse('CRIMINAL_INVESTIGATION').success).toBe(true);
    expect(NonDisclosureReasonCode.safeParse('suspected of hiding income').success).toBe(false);
  });

  it.each(['2025-000123', '1', '12345678-1-2-3'])('accepts the case reference %s', (reference) => {
    expect(CaseReference.safeParse(reference).success).toBe(true);
  });

  it.each([
    ['a My Number', '123456789018'],
    ['a name', 'YAMADA-2025'],
    ['free text', '2025 000123'],
    ['five groups', '1-2-3-4-5'],
  ])('refuses %s as a case reference', (_what, reference) => {
    expect(CaseReference.safeParse(reference).success).toBe(false);
  });
});
