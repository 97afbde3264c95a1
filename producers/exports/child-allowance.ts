import type { z } from 'zod';
import {
  ALLOWANCE_STATUSES,
  type InformationItemPublished,
  type InformationItemWithdrawn,
} from '../../schemas/events.js';
import type { EventContext } from './event-id.js';
import { calendarDate, integer, oneOf, optionalDate, yen } from './fields.js';
import { ITEM_BASE_COLUMNS, itemRowSchema, itemToEvent } from './item-row.js';

/** Child allowance (児童手当): the household head's entitlement status and monthly amount. */
export const CHILD_ALLOWANCE_COLUMNS = [
  ...ITEM_BASE_COLUMNS,
  'status',
  'monthly_amount',
  'eligible_children',
  'valid_from',
  'valid_until',
] as const;

export const ChildAllowanceRow = itemRowSchema({
  status: oneOf(ALLOWANCE_STATUSES),
  monthly_amount: yen,
  eligible_children: integer(0, 99),
  valid_from: calendarDate,
  valid_until: optionalDate,
}).superRefine((row, ctx) => {
  if (row.action === 'PUBLISH' && row.valid_until !== null && row.valid_until < row.valid_from) {
    ctx.addIssue({ code: 'custom', path: ['valid_until'], message: 'before valid_from' });
  }
});
export type ChildAllowanceRow = z.output<typeof ChildAllowanceRow>;

export const childAllowanceToEvent = (
  row: ChildAllowanceRow,
  ctx: EventContext,
): InformationItemPublished | InformationItemWithdrawn =>
  itemToEvent('child-allowance', 'CHILD_ALLOWANCE_STATUS', row, ctx, (r) => ({
    status: r.status,
    monthlyAmount: r.monthly_amount,
    eligibleChildren: r.eligible_children,
    validFrom: r.valid_from,
    validUntil: r.valid_until,
  }));
