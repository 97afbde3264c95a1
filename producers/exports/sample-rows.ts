import type { ExportSystem } from './systems.js';

/**
 * One valid raw row per system, as a CSV reader gives it (all strings). For tests and docs;
 * the My Number is synthetic (valid check digit).
 */
export const SAMPLE_MY_NUMBER = '123456789018';

export const SAMPLE_ROWS: Record<ExportSystem, Record<string, string>> = {
  juki: {
    municipality_code: '131016',
    my_number: SAMPLE_MY_NUMBER,
    sequence: '3',
    change_type: 'ADDRESS_CHANGE',
    effective_date: '2023-04-01',
    household_id: '131016-0000042',
    family_name: '佐藤',
    given_name: '花子',
    family_name_kana: 'サトウ',
    given_name_kana: 'ハナコ',
    date_of_birth: '1985-07-14',
    gender: 'FEMALE',
    address_municipality_code: '131016',
    prefecture: '東京都',
    city: '千代田区',
    street: '九段南1-2-3',
  },
  'local-tax': {
    ...item('PUBLISH'),
    fiscal_year: '2023',
    taxable_income: '3200000',
    municipal_tax: '192000',
    prefectural_tax: '128000',
  },
  'child-allowance': {
    ...item('PUBLISH'),
    status: 'RECEIVING',
    monthly_amount: '25000',
    eligible_children: '2',
    valid_from: '2023-06-01',
    valid_until: '',
  },
  'nursing-care': {
    ...item('PUBLISH'),
    care_level: 'CARE_2',
    certified_on: '2023-06-01',
    valid_until: '2024-05-31',
  },
  'public-assistance': { ...item('PUBLISH'), status: 'RECEIVING', since: '2023-06-01' },
  'disability-certificate': {
    ...item('PUBLISH'),
    certificate_kind: 'PHYSICAL',
    grade: '2',
    issued_on: '2023-06-01',
    valid_until: '',
  },
  // The pension service's export names no municipality: its provider is always jps.
  pension: (({ municipality_code: _none, ...national }) => ({
    ...national,
    pension_kind: 'OLD_AGE_BASIC',
    annual_amount: '795000',
    fiscal_year: '2023',
  }))(item('PUBLISH')),
};

function item(action: 'PUBLISH' | 'WITHDRAW'): Record<string, string> {
  return {
    municipality_code: '271004',
    my_number: SAMPLE_MY_NUMBER,
    sequence: '5',
    action,
    effective_date: '2023-06-10',
    withdraw_reason: '',
  };
}
