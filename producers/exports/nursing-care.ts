import type { z } from 'zod';
import {
  CARE_LEVELS,
  type InformationItemPublished,
  type InformationItemWithdrawn,
} from '../../schemas/events.js';
import type { EventContext } from './event-id.js';
import { calendarDate, oneOf } from './fields.js';
import { ITEM_BASE_COLUMNS, itemRowSchema, itemToEvent } from './item-row.js';

/** Long-term care insurance (介護保険): the certified care level (要支援1–2, 要介護1–5) and its period. */
export const NURSING_CARE_COLUMNS = [
  ...ITEM_BASE_COLUMNS,
  'care_level',
  'certified_on',
  'valid_until',
] as const;

export const NursingCareRow = itemRowSchema({
  care_level: oneOf(CARE_LEVELS),
  certified_on: calendarDate,
  valid_until: calendarDate,
}).superRefine((row, ctx) => {
  if (row.action === 'PUBLISH' && row.valid_until < row.certified_on) {
    ctx.addIssue({ code: 'custom', path: ['valid_until'], message: 'before certified_on' });
  }
});
export type NursingCareRow = z.output<typeof NursingCareRow>;

export const nursingCareToEvent = (
  row: NursingCareRow,
  ctx: EventContext,
): InformationItemPublished | InformationItemWithdrawn =>
  itemToEvent('nursing-care', 'CARE_LEVEL', row, ctx, (r) => ({
    level: r.care_level,
    certifiedOn: r.certified_on,
    validUntil: r.valid_until,
  }));
