import { z } from 'zod';
import type {
  InformationItemPublished,
  InformationItemWithdrawn,
  ItemKind,
  ItemPayload,
} from '../../schemas/events.js';
import { deterministicEventId, type EventContext, envelopeFor } from './event-id.js';
import { calendarDate, municipalityCode, myNumber, sequence, text } from './fields.js';

/**
 * Exports of the systems that hold information items (local tax, child allowance, nursing
 * care, public assistance). A row publishes the item's current value or withdraws it. The
 * provider is the municipality; `sequence` is per resident, per provider and per item kind,
 * because each of a municipality's systems keeps its own counter.
 */
export const ITEM_BASE_COLUMNS = [
  'municipality_code',
  'my_number',
  'sequence',
  'action',
  'effective_date',
  'withdraw_reason',
] as const;

const base = {
  municipality_code: municipalityCode,
  my_number: myNumber,
  sequence,
  effective_date: calendarDate,
};

/** A national agency's export (e.g. the pension service): no municipality column, one provider. */
export const NATIONAL_ITEM_BASE_COLUMNS = ITEM_BASE_COLUMNS.filter((c) => c !== 'municipality_code');
const { municipality_code: _municipal, ...nationalBase } = base;

const actionProblem = (issue: { input?: unknown }): string => {
  const action = (issue.input as { action?: unknown } | undefined)?.action;
  return action === undefined || action === null || action === ''
    ? 'missing'
    : 'expected PUBLISH or WITHDRAW';
};

function rowSchema<const B extends z.ZodRawShape, const S extends z.ZodRawShape>(
  baseColumns: B,
  payloadColumns: S,
) {
  return z.discriminatedUnion(
    'action',
    [
      z.object({ ...baseColumns, action: z.literal('PUBLISH'), ...payloadColumns }),
      z.object({ ...baseColumns, action: z.literal('WITHDRAW'), withdraw_reason: text(256) }),
    ],
    { error: actionProblem },
  );
}

export const itemRowSchema = <const S extends z.ZodRawShape>(payloadColumns: S) =>
  rowSchema(base, payloadColumns);

/** The rows of a national agency's export: the same as a municipality's, without `municipality_code`. */
export const nationalItemRowSchema = <const S extends z.ZodRawShape>(payloadColumns: S) =>
  rowSchema(nationalBase, payloadColumns);

interface ItemRowBase {
  municipality_code: string;
  sequence: number;
  effective_date: string;
}
export type ItemRowOf<P> = ItemRowBase &
  (({ action: 'PUBLISH' } & P) | { action: 'WITHDRAW'; withdraw_reason: string });

export function itemEventId(system: string, kind: ItemKind, row: ItemRowBase, linkageId: string): string {
  return deterministicEventId(system, row.municipality_code, [linkageId, kind, row.sequence]);
}

/** Published or withdrawn item of one kind; `payload` maps a publish row's columns to the event's payload. */
export function itemToEvent<K extends ItemKind, P>(
  system: string,
  kind: K,
  row: ItemRowOf<P>,
  ctx: EventContext,
  payload: (row: ItemRowBase & P) => ItemPayload<K>,
): InformationItemPublished | InformationItemWithdrawn {
  const eventId = itemEventId(system, kind, row, ctx.linkageId);
  const envelope = envelopeFor(eventId, row.effective_date, ctx);
  const common = { linkageId: ctx.linkageId, provider: row.municipality_code, sequence: row.sequence };
  if (row.action === 'WITHDRAW') {
    return {
      type: 'InformationItemWithdrawn',
      envelope,
      data: { ...common, itemKind: kind, reason: row.withdraw_reason },
    };
  }
  const data = { ...common, validAsOf: row.effective_date, itemKind: kind, payload: payload(row) };
  return { type: 'InformationItemPublished', envelope, data } as InformationItemPublished;
}
