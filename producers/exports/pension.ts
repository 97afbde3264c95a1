import type { z } from 'zod';
import {
  type InformationItemPublished,
  type InformationItemWithdrawn,
  PENSION_KINDS,
} from '../../schemas/events.js';
import type { EventContext } from './event-id.js';
import { integer, oneOf, yen } from './fields.js';
import { itemToEvent, NATIONAL_ITEM_BASE_COLUMNS, nationalItemRowSchema } from './item-row.js';

/** The Japan Pension Service: the provider of every pension row (its export names no municipality). */
export const PENSION_PROVIDER = 'jps';

/**
 * The Japan Pension Service's export (年金給付): the kind of pension a resident receives and its
 * annual amount for a fiscal year. A national agency's export, so no `municipality_code`: the
 * provider is always `jps`, and `sequence` is per resident (JPS keeps one counter per person).
 */
export const PENSION_COLUMNS = [
  ...NATIONAL_ITEM_BASE_COLUMNS,
  'pension_kind',
  'annual_amount',
  'fiscal_year',
] as const;

export const PensionRow = nationalItemRowSchema({
  pension_kind: oneOf(PENSION_KINDS),
  annual_amount: yen,
  fiscal_year: integer(1900, 2999),
});
export type PensionRow = z.output<typeof PensionRow>;
type PensionPayload = Pick<
  Extract<PensionRow, { action: 'PUBLISH' }>,
  'pension_kind' | 'annual_amount' | 'fiscal_year'
>;

export const pensionToEvent = (
  row: PensionRow,
  ctx: EventContext,
): InformationItemPublished | InformationItemWithdrawn =>
  itemToEvent<'PENSION_BENEFIT_AMOUNT', PensionPayload>(
    'pension',
    'PENSION_BENEFIT_AMOUNT',
    { ...row, municipality_code: PENSION_PROVIDER },
    ctx,
    (r) => ({ pensionKind: r.pension_kind, annualAmount: r.annual_amount, fiscalYear: r.fiscal_year }),
  );
