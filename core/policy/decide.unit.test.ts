import { describe, expect, it } from 'vitest';
import {
  consentRefusal,
  type DisclosureRequest,
  decideDisclosure,
  resolveProvider,
  UNSPECIFIED_PROVIDER,
} from './decide.js';
import { type LegalBasisRow, parsePolicy } from './table.js';
import { legalBasisRow } from './testing/rows.js';

const CHIYODA = '131016';
const OSAKA = '271004';
const SAPPORO = '011002';

const row = legalBasisRow;

const givenTable = (...rows: LegalBasisRow[]) => parsePolicy({ version: 1, revision: 'test-1', rows });
/** A resident living in Osaka who moved there from `previous`. */
const movedFrom = (previous: string | null) => ({
  currentMunicipality: OSAKA,
  previousMunicipality: previous,
});

const request = (overrides: Partial<DisclosureRequest> = {}): DisclosureRequest => ({
  requester: OSAKA,
  officeWork: 'nursing-care-insurance-premium',
  provider: CHIYODA,
  item: 'LOCAL_TAX_INCOME',
  on: '2025-06-01',
  ...overrides,
});

describe('decideDisclosure', () => {
  it('permits a matching row in force and cites it with the table revision', () => {
    const policy = givenTable(row({ id: 'LB-0004' }));
    expect(decideDisclosure(policy, request())).toEqual({
      ok: true,
      provider: CHIYODA,
      row: policy.rows[0],
      revision: 'test-1',
      consentId: null,
      nonDisclosureUntil: null,
      nonDisclosureReason: null,
      caseReference: null,
    });
  });

  it('denies by default when no row names the office work or item', () => {
    const policy = givenTable(row({ id: 'LB-0004' }));
    expect(decideDisclosure(policy, request({ officeWork: 'public-assistance' }))).toEqual({
      ok: false,
      provider: CHIYODA,
      reason: 'NO_LEGAL_BASIS',
      detail: null,
      rowId: null,
    });
    expect(decideDisclosure(policy, request({ item: 'CARE_LEVEL' }))).toMatchObject({
      reason: 'NO_LEGAL_BASIS',
    });
  });

  it('resolves "any-municipality" only for 6-digit municipality codes', () => {
    const policy = givenTable(row({ id: 'LB-0004' }));
    expect(decideDisclosure(policy, request({ requester: SAPPORO })).ok).toBe(true);
    expect(decideDisclosure(policy, request({ requester: 'jps' }))).toMatchObject({
      reason: 'NO_LEGAL_BASIS',
    });
    expect(decideDisclosure(policy, request({ requester: 'any-municipality' }))).toMatchObject({
      reason: 'NO_LEGAL_BASIS',
    });
    expect(decideDisclosure(policy, request({ provider: 'jps' }))).toMatchObject({
      reason: 'PROVIDER_NOT_PERMITTED',
    });
  });

  it('matches a named requester and provider exactly', () => {
    const policy = givenTable(
      row({
        id: 'LB-0002',
        requester: 'jps',
        officeWork: 'pension-benefit-payment',
        provider: 'resident-registry',
        item: 'BASIC_FOUR_INFORMATION',
      }),
    );
    const pension = request({
      requester: 'jps',
      officeWork: 'pension-benefit-payment',
      provider: 'resident-registry',
      item: 'BASIC_FOUR_INFORMATION',
    });
    expect(decideDisclosure(policy, pension).ok).toBe(true);
    expect(decideDisclosure(policy, { ...pension, requester: 'hello-work' })).toMatchObject({
      reason: 'NO_LEGAL_BASIS',
    });
    expect(decideDisclosure(policy, { ...pension, provider: OSAKA })).toMatchObject({
      reason: 'PROVIDER_NOT_PERMITTED',
    });
  });

  describe('previous-residence municipality', () => {
    const policy = givenTable(
      row({
        id: 'LB-0001',
        officeWork: 'child-allowance-eligibility',
        provider: 'previous-residence-municipality',
      }),
    );
    const childAllowance = request({ officeWork: 'child-allowance-eligibility', provider: CHIYODA });

    it('permits asking the municipality the resident moved from', () => {
      const decision = decideDisclosure(policy, childAllowance, { resident: movedFrom(CHIYODA) });
      expect(decision).toMatchObject({ ok: true, row: { id: 'LB-0001' } });
    });

    it('refuses any other municipality', () => {
      const decision = decideDisclosure(policy, childAllowance, { resident: movedFrom(SAPPORO) });
      expect(decision).toMatchObject({ ok: false, reason: 'PROVIDER_NOT_PERMITTED', detail: null });
    });

    it('refuses with PREVIOUS_RESIDENCE_UNKNOWN when the caller does not know one', () => {
      expect(decideDisclosure(policy, childAllowance)).toMatchObject({
        ok: false,
        reason: 'PREVIOUS_RESIDENCE_UNKNOWN',
      });
      expect(decideDisclosure(policy, childAllowance, { resident: movedFrom(null) })).toMatchObject({
        reason: 'PREVIOUS_RESIDENCE_UNKNOWN',
      });
    });
  });

  describe('effective dates', () => {
    const policy = givenTable(
      row({ id: 'LB-0012', effectiveFrom: '2020-06-01', effectiveUntil: '2023-03-31' }),
      row({ id: 'LB-0014', provider: 'jps', effectiveFrom: '2027-04-01' }),
    );

    it('includes both the first and the last effective day', () => {
      expect(decideDisclosure(policy, request({ on: '2020-06-01' })).ok).toBe(true);
      expect(decideDisclosure(policy, request({ on: '2023-03-31' })).ok).toBe(true);
    });

    it('refuses an expired row with BASIS_EXPIRED naming it', () => {
      expect(decideDisclosure(policy, request({ on: '2023-04-01' }))).toEqual({
        ok: false,
        provider: CHIYODA,
        reason: 'BASIS_EXPIRED',
        detail: 'effective until 2023-03-31',
        rowId: 'LB-0012',
      });
    });

    it('refuses a row not yet in force with BASIS_NOT_YET_EFFECTIVE', () => {
      expect(decideDisclosure(policy, request({ provider: 'jps', on: '2027-03-31' }))).toEqual({
        ok: false,
        provider: 'jps',
        reason: 'BASIS_NOT_YET_EFFECTIVE',
        detail: 'effective from 2027-04-01',
        rowId: 'LB-0014',
      });
      expect(decideDisclosure(policy, request({ provider: 'jps', on: '2027-04-01' })).ok).toBe(true);
    });

    it('cites the successor row when one row follows another', () => {
      const chained = givenTable(
        row({ id: 'LB-0016', effectiveUntil: '2020-06-30' }),
        row({ id: 'LB-0017', effectiveFrom: '2020-07-01' }),
      );
      expect(decideDisclosure(chained, request({ on: '2020-06-30' }))).toMatchObject({
        row: { id: 'LB-0016' },
      });
      expect(decideDisclosure(chained, request({ on: '2020-07-01' }))).toMatchObject({
        row: { id: 'LB-0017' },
      });
    });
  });

  describe('consent-required rows', () => {
    const policy = givenTable(
      row({
        id: 'LB-0019',
        requester: 'tsubame-bank',
        officeWork: 'housing-loan-screening',
        item: 'LOCAL_TAX_CERTIFICATE',
        consentRequired: true,
      }),
    );
    const loan = request({
      requester: 'tsubame-bank',
      officeWork: 'housing-loan-screening',
      item: 'LOCAL_TAX_CERTIFICATE',
    });

    it('permits with an active consent and cites the consent', () => {
      const decision = decideDisclosure(policy, loan, { consent: { ok: true, consentId: 'consent-0001' } });
      expect(decision).toMatchObject({ ok: true, row: { id: 'LB-0019' }, consentId: 'consent-0001' });
    });

    it('refuses with CONSENT_REQUIRED when no consent was checked or none exists', () => {
      expect(decideDisclosure(policy, loan)).toMatchObject({
        ok: false,
        reason: 'CONSENT_REQUIRED',
        detail: null,
        rowId: 'LB-0019',
      });
      expect(decideDisclosure(policy, loan, { consent: { ok: false, reason: 'NO_CONSENT' } })).toMatchObject({
        reason: 'CONSENT_REQUIRED',
      });
    });

    it('refuses with CONSENT_NOT_COVERING and the consent reason when a consent exists but does not cover', () => {
      expect(
        decideDisclosure(policy, loan, { consent: { ok: false, reason: 'CONSENT_REVOKED' } }),
      ).toMatchObject({
        ok: false,
        reason: 'CONSENT_NOT_COVERING',
        detail: 'CONSENT_REVOKED',
        rowId: 'LB-0019',
      });
    });

    it('ignores consent when a row without consent also permits', () => {
      const both = givenTable(policy.rows[0] as LegalBasisRow, {
        ...(policy.rows[0] as LegalBasisRow),
        id: 'LB-0099',
        consentRequired: false,
      });
      expect(decideDisclosure(both, loan)).toMatchObject({
        ok: true,
        row: { id: 'LB-0099' },
        consentId: null,
      });
    });
  });

  describe('non-disclosure', () => {
    it('hides a disclosure for the rule days after its date', () => {
      const policy = givenTable(row({ id: 'LB-0013', nonDisclosure: { days: 365 } }));
      expect(decideDisclosure(policy, request({ on: '2024-03-01' }))).toMatchObject({
        nonDisclosureUntil: '2025-03-01',
      });
    });

    it('hides until a fixed date, and not once that date has come', () => {
      const policy = givenTable(row({ id: 'LB-0013', nonDisclosure: { until: '2026-01-01' } }));
      expect(decideDisclosure(policy, request({ on: '2025-06-01' }))).toMatchObject({
        nonDisclosureUntil: '2026-01-01',
      });
      expect(decideDisclosure(policy, request({ on: '2026-01-01' }))).toMatchObject({
        nonDisclosureUntil: null,
      });
    });
  });
  describe('self-information', () => {
    const policy = givenTable(row({ id: 'LB-0004' }));
    const selfInformation = request({ channel: 'SELF_INFORMATION' });

    it('given a row that needs no consent, when asked as self-information without one, then CONSENT_REQUIRED', () => {
      expect(decideDisclosure(policy, selfInformation)).toMatchObject({
        ok: false,
        reason: 'CONSENT_REQUIRED',
        detail: null,
        rowId: 'LB-0004',
      });
      expect(
        decideDisclosure(policy, selfInformation, { consent: { ok: false, reason: 'USES_EXHAUSTED' } }),
      ).toMatchObject({
        ok: false,
        reason: 'CONSENT_NOT_COVERING',
        detail: 'USES_EXHAUSTED',
        rowId: 'LB-0004',
      });
    });

    it('given an active consent, then permitted citing the consent (so its use is counted)', () => {
      expect(
        decideDisclosure(policy, selfInformation, { consent: { ok: true, consentId: 'consent-0001' } }),
      ).toMatchObject({ ok: true, row: { id: 'LB-0004' }, consentId: 'consent-0001' });
    });
  });

  describe('requested non-disclosure', () => {
    const investigation = row({
      id: 'LB-0013',
      officeWork: 'public-assistance-investigation',
      nonDisclosureRequest: { maxDays: 365 },
    });
    const policy = givenTable(row({ id: 'LB-0004' }), investigation);
    const hiding = (until: string, reason?: 'BENEFIT_FRAUD_INVESTIGATION') => ({
      nonDisclosure: { until, ...(reason ? { reason } : {}) },
    });

    it('given an ordinary row, when the requester asks to hide until 9999-12-31, then NON_DISCLOSURE_NO_BASIS', () => {
      expect(decideDisclosure(policy, request(hiding('9999-12-31', 'BENEFIT_FRAUD_INVESTIGATION')))).toEqual({
        ok: false,
        provider: CHIYODA,
        reason: 'NON_DISCLOSURE_NO_BASIS',
        detail: 'row LB-0004 allows no hiding',
        rowId: 'LB-0004',
      });
    });

    it('given a row allowing 365 days, then too long and reasonless requests are refused, a proper one recorded', () => {
      const asInvestigation = (until: string, reason?: 'BENEFIT_FRAUD_INVESTIGATION') =>
        decideDisclosure(
          policy,
          request({ officeWork: 'public-assistance-investigation', ...hiding(until, reason) }),
        );
      expect(asInvestigation('2026-06-02', 'BENEFIT_FRAUD_INVESTIGATION')).toMatchObject({
        ok: false,
        reason: 'NON_DISCLOSURE_TOO_LONG',
        rowId: 'LB-0013',
      });
      expect(asInvestigation('2026-01-01')).toMatchObject({
        ok: false,
        reason: 'NON_DISCLOSURE_REASON_MISSING',
      });
      expect(asInvestigation('2026-01-01', 'BENEFIT_FRAUD_INVESTIGATION')).toMatchObject({
        ok: true,
        row: { id: 'LB-0013' },
        nonDisclosureUntil: '2026-01-01',
        nonDisclosureReason: 'BENEFIT_FRAUD_INVESTIGATION',
        caseReference: null,
      });
    });

    it('checks the legal basis before the hiding request', () => {
      expect(
        decideDisclosure(policy, request({ officeWork: 'unknown-work', ...hiding('2026-01-01') })),
      ).toMatchObject({ ok: false, reason: 'NO_LEGAL_BASIS', rowId: null });
    });
  });

  describe('the provider, when the request names none', () => {
    const policy = givenTable(
      row({
        id: 'LB-0001',
        officeWork: 'child-allowance-eligibility',
        provider: 'previous-residence-municipality',
      }),
      row({ id: 'LB-0004' }),
      row({
        id: 'LB-0005',
        officeWork: 'public-assistance',
        provider: 'jps',
        item: 'PENSION_BENEFIT_AMOUNT',
      }),
    );
    const asked = (overrides: Partial<DisclosureRequest>) => request({ provider: undefined, ...overrides });

    it('given a named provider in the row, then that agency provides', () => {
      const pension = asked({ officeWork: 'public-assistance', item: 'PENSION_BENEFIT_AMOUNT' });
      expect(decideDisclosure(policy, pension)).toMatchObject({ ok: true, provider: 'jps' });
    });

    it('given "any-municipality", then the municipality the resident lives in provides', () => {
      expect(decideDisclosure(policy, asked({}), { resident: movedFrom(SAPPORO) })).toMatchObject({
        ok: true,
        provider: OSAKA,
        row: { id: 'LB-0004' },
      });
    });

    it('given "previous-residence-municipality", then the one they moved from provides', () => {
      const childAllowance = asked({ officeWork: 'child-allowance-eligibility' });
      expect(decideDisclosure(policy, childAllowance, { resident: movedFrom(SAPPORO) })).toMatchObject({
        ok: true,
        provider: SAPPORO,
      });
    });

    it('given no row or an unknown residence, then refused under the unspecified provider', () => {
      expect(decideDisclosure(policy, asked({ officeWork: 'unknown-work' }))).toMatchObject({
        ok: false,
        reason: 'NO_LEGAL_BASIS',
        provider: UNSPECIFIED_PROVIDER,
      });
      const childAllowance = asked({ officeWork: 'child-allowance-eligibility' });
      expect(decideDisclosure(policy, childAllowance)).toMatchObject({
        ok: false,
        reason: 'PROVIDER_NOT_PERMITTED',
        provider: UNSPECIFIED_PROVIDER,
      });
    });

    it('resolves as decideDisclosure does: the first row in table order that determines one', () => {
      expect(resolveProvider(policy, asked({}), movedFrom(null))).toBe(OSAKA);
      expect(resolveProvider(policy, asked({}), null)).toBe(UNSPECIFIED_PROVIDER);
    });
  });

  describe('consentRefusal', () => {
    it('given no consent at all, then CONSENT_REQUIRED; given one that does not cover, then its state as the detail', () => {
      expect(consentRefusal('NO_CONSENT')).toEqual({ reason: 'CONSENT_REQUIRED', detail: null });
      expect(consentRefusal('CONSENT_EXPIRED')).toEqual({
        reason: 'CONSENT_NOT_COVERING',
        detail: 'CONSENT_EXPIRED',
      });
    });
  });
});
