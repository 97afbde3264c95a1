import type { z } from 'zod';
import {
  ASSISTANCE_STATUSES,
  type InformationItemPublished,
  type InformationItemWithdrawn,
} from '../../schemas/events.js';
import type { EventContext } from './event-id.js';
import { calendarDate, oneOf } from './fields.js';
import { ITEM_BASE_COLUMNS, itemRowSchema, itemToEvent } from './item-row.js';

/** Public assistance (生活保護): whether the resident receives it, and since when. */
export const PUBLIC_ASSISTANCE_COLUMNS = [...ITEM_BASE_COLUMNS, 'status', 'since'] as const;

export const PublicAssistanceRow = itemRowSchema({
  status: oneOf(ASSISTANCE_STATUSES),
  since: calendarDate,
});
export type PublicAssistanceRow = z.output<typeof PublicAssistanceRow>;

export const publicAssistanceToEvent = (
  row: PublicAssistanceRow,
  ctx: EventContext,
): InformationItemPublished | InformationItemWithdrawn =>
  itemToEvent('public-assistance', 'PUBLIC_ASSISTANCE_STATUS', row, ctx, (r) => ({
    status: r.status,
    since: r.since,
  }));
