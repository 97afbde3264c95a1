import type { ExportSystem } from '../exports/systems.js';
import type { RowValues } from './emit.js';
import type { Prng } from './prng.js';

export const INVALID_KINDS = ['bad-check-digit', 'missing-field', 'bad-date'] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

/** Columns every row of the system must fill, whatever the action. */
const REQUIRED: Record<ExportSystem, readonly string[]> = {
  juki: [
    'municipality_code',
    'my_number',
    'sequence',
    'change_type',
    'effective_date',
    'family_name',
    'date_of_birth',
  ],
  'local-tax': ['municipality_code', 'my_number', 'sequence', 'action', 'effective_date'],
  'child-allowance': ['municipality_code', 'my_number', 'sequence', 'action', 'effective_date'],
  'nursing-care': ['municipality_code', 'my_number', 'sequence', 'action', 'effective_date'],
  'public-assistance': ['municipality_code', 'my_number', 'sequence', 'action', 'effective_date'],
  'disability-certificate': ['municipality_code', 'my_number', 'sequence', 'action', 'effective_date'],
  pension: ['my_number', 'sequence', 'action', 'effective_date'],
};

/**
 * Breaks a generated row in one way a real export breaks, for tests of validation and the
 * dead-letter path. Returns the column the validator must name.
 */
export function corruptRow(system: ExportSystem, values: RowValues, kind: InvalidKind, prng: Prng): string {
  switch (kind) {
    case 'bad-check-digit': {
      const myNumber = String(values.my_number);
      const wrong = (Number(myNumber[11]) + prng.int(1, 9)) % 10;
      values.my_number = `${myNumber.slice(0, 11)}${wrong}`;
      return 'my_number';
    }
    case 'missing-field': {
      const field = prng.pick(REQUIRED[system]);
      values[field] = null;
      return field;
    }
    case 'bad-date': {
      const year = String(values.effective_date).slice(0, 4);
      values.effective_date = prng.pick([`${year}-02-30`, `${year}-13-01`, `${year}/04/01`, `${year}-04-31`]);
      return 'effective_date';
    }
  }
}
