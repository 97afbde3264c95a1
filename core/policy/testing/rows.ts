import type { LegalBasisRow } from '../table.js';

/** Test-only: a legal-basis row (any municipality's nursing-care premium from local-tax income) with overrides. */
export const legalBasisRow = (
  overrides: Partial<LegalBasisRow> & Pick<LegalBasisRow, 'id'>,
): LegalBasisRow => ({
  requester: 'any-municipality',
  officeWork: 'nursing-care-insurance-premium',
  provider: 'any-municipality',
  item: 'LOCAL_TAX_INCOME',
  effectiveFrom: '2017-11-13',
  effectiveUntil: null,
  consentRequired: false,
  ...overrides,
});
