import { describe, expect, it } from 'vitest';
import { TsunagiError } from '../errors.js';
import { checkPolicy, parsePolicy } from './table.js';
import { isValidLocalGovernmentCode, legalDateOf } from './vocabulary.js';

const validRow = {
  id: 'LB-0001',
  requester: 'any-municipality',
  officeWork: 'child-allowance-eligibility',
  provider: 'previous-residence-municipality',
  item: 'LOCAL_TAX_INCOME',
  effectiveFrom: '2017-11-13',
  effectiveUntil: null,
  consentRequired: false,
};
const table = (...rows: unknown[]) => ({ version: 1, revision: 't', rows });

function thrown(action: () => unknown): TsunagiError {
  try {
    action();
  } catch (error) {
    if (error instanceof TsunagiError) return error;
    throw error;
  }
  throw new Error('expected a TsunagiError');
}

describe('legal-basis table validation', () => {
  it('names the row and field of a bad value', () => {
    const error = thrown(() => parsePolicy(table(validRow, { ...validRow, id: 'LB-0002', item: 'SALARY' })));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.path).toBe('rows[1].item');
    expect(error.message).toContain('rows[1].item (row LB-0002)');
  });

  it('reports a missing field and an unknown field with their rows', () => {
    const { consentRequired: _dropped, ...missing } = validRow;
    const checked = checkPolicy(table(missing, { ...validRow, id: 'LB-0002', consentRequird: true }));
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.issues).toContainEqual(
      expect.objectContaining({
        path: 'rows[0].consentRequired',
        rowId: 'LB-0001',
        field: 'consentRequired',
      }),
    );
    expect(checked.issues).toContainEqual(expect.objectContaining({ path: 'rows[1]', rowId: 'LB-0002' }));
  });

  it('rejects duplicate row ids', () => {
    const error = thrown(() =>
      parsePolicy(table(validRow, { ...validRow, officeWork: 'public-assistance' })),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.path).toBe('rows[1].id');
    expect(error.message).toContain('duplicate row id LB-0001 (first at rows[0])');
  });

  it('rejects a row whose effectiveUntil is before its effectiveFrom', () => {
    const error = thrown(() => parsePolicy(table({ ...validRow, effectiveUntil: '2017-11-12' })));
    expect(error.path).toBe('rows[0].effectiveUntil');
    expect(error.message).toContain('effectiveUntil 2017-11-12 is before effectiveFrom 2017-11-13');
  });

  it('rejects impossible dates, bad check digits and a previous-residence requester', () => {
    const checked = checkPolicy(
      table(
        { ...validRow, effectiveFrom: '2023-02-30' },
        { ...validRow, id: 'LB-0002', requester: '131017' },
        { ...validRow, id: 'LB-0003', requester: 'previous-residence-municipality' },
      ),
    );
    expect(checked.ok ? [] : checked.issues.map((issue) => issue.path)).toEqual([
      'rows[0].effectiveFrom',
      'rows[1].requester',
      'rows[2].requester',
    ]);
  });

  it('rejects dates outside 1900-01-01 .. 2200-12-31 with row and field', () => {
    const error = thrown(() => parsePolicy(table({ ...validRow, effectiveUntil: '9999-12-31' })));
    expect(error.path).toBe('rows[0].effectiveUntil');
    expect(error.message).toContain(
      'rows[0].effectiveUntil (row LB-0001): must lie between 1900-01-01 and 2200-12-31',
    );
  });

  it('checks a non-disclosure request rule and names its row and field', () => {
    const checked = checkPolicy(table({ ...validRow, nonDisclosureRequest: { maxDays: 0 } }));
    expect(checked.ok ? [] : checked.issues).toEqual([
      expect.objectContaining({
        path: 'rows[0].nonDisclosureRequest.maxDays',
        rowId: 'LB-0001',
        field: 'nonDisclosureRequest',
      }),
    ]);
    expect(checkPolicy(table({ ...validRow, nonDisclosureRequest: { maxDays: 365 } })).ok).toBe(true);
    expect(checkPolicy(table({ ...validRow, nonDisclosureRequest: { days: 365 } })).ok).toBe(false);
  });

  it('rejects an unknown version and an empty table', () => {
    expect(thrown(() => parsePolicy({ version: 2, revision: 't', rows: [validRow] })).path).toBe('version');
    expect(thrown(() => parsePolicy(table())).path).toBe('rows');
  });
});

describe('the public-money account (公金受取口座)', () => {
  const accountRow = {
    ...validRow,
    officeWork: 'child-allowance-payment',
    provider: 'digital-agency',
    item: 'PUBLIC_MONEY_ACCOUNT',
  };

  it('given a benefit-payment row without consent, is accepted', () => {
    expect(checkPolicy(table(accountRow)).ok).toBe(true);
  });

  it('given any other office work, is refused naming the row and field', () => {
    const error = thrown(() =>
      parsePolicy(table({ ...accountRow, officeWork: 'child-allowance-eligibility' })),
    );
    expect(error.path).toBe('rows[0].officeWork');
    expect(error.message).toContain('PUBLIC_MONEY_ACCOUNT only for a benefit payment (*-payment)');
  });

  it('given a consent row, is refused: the account is never disclosed under a consent', () => {
    expect(thrown(() => parsePolicy(table({ ...accountRow, consentRequired: true }))).path).toBe(
      'rows[0].consentRequired',
    );
  });
});

describe('vocabulary', () => {
  it('checks local government code check digits', () => {
    expect(['131016', '271004', '011002'].every(isValidLocalGovernmentCode)).toBe(true);
    expect(isValidLocalGovernmentCode('131017')).toBe(false);
  });

  it('dates an instant in Japan time', () => {
    expect(legalDateOf(new Date('2025-03-31T15:00:00Z'))).toBe('2025-04-01');
    expect(legalDateOf(new Date('2025-03-31T14:59:59Z'))).toBe('2025-03-31');
  });
});
