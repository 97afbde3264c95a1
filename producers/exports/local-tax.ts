import type { z } from 'zod';
import type { InformationItemPublished, InformationItemWithdrawn } from '../../schemas/events.js';
import type { EventContext } from './event-id.js';
import { integer, yen } from './fields.js';
import { ITEM_BASE_COLUMNS, itemRowSchema, itemToEvent } from './item-row.js';

/** Individual inhabitant tax (個人住民税): assessed income and tax per fiscal year. */
export const LOCAL_TAX_COLUMNS = [
  ...ITEM_BASE_COLUMNS,
  'fiscal_year',
  'taxable_income',
  'municipal_tax',
  'prefectural_tax',
] as const;

export const LocalTaxRow = itemRowSchema({
  fiscal_year: integer(1900, 2999),
  taxable_income: yen,
  municipal_tax: yen,
  prefectural_tax: yen,
});
export type LocalTaxRow = z.output<typeof LocalTaxRow>;

export const localTaxToEvent = (
  row: LocalTaxRow,
  ctx: EventContext,
): InformationItemPublished | InformationItemWithdrawn =>
  itemToEvent('local-tax', 'LOCAL_TAX_INCOME', row, ctx, (r) => ({
    fiscalYear: r.fiscal_year,
    taxableIncome: r.taxable_income,
    municipalTax: r.municipal_tax,
    prefecturalTax: r.prefectural_tax,
  }));
