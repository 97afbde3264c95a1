import type { DisclosureRecorded, TsunagiEvent } from '../schemas/events.js';
import {
  type ApplyOutcome,
  key,
  ordinal,
  type Projection,
  type RecordPosition,
  type StoreTx,
} from './projection.js';

/** Trail index per resident; keys sort by record time, then log position, so a reverse scan is newest first. */
export const TRAIL = 'trail';
/** eventId → trail key: a disclosure re-sent under the same event id is indexed once. */
export const TRAIL_EVENT_IDS = 'trail-event-ids';

export type TrailEntry = Omit<DisclosureRecorded['data'], 'linkageId'> & {
  eventId: string;
  occurredAt: Date;
  recordedAt: Date;
  /** The entry's trail position: where it sits in the access-trail log. */
  position: RecordPosition;
  /** Opaque paging cursor: pass it as `before` to read the entries after this one (older). */
  cursor: string;
};

export const trailCursor = (event: DisclosureRecorded, at: RecordPosition): string =>
  key(ordinal(event.envelope.recordedAt.getTime(), 15), ordinal(at.partition, 5), ordinal(at.offset));

/** Indexes each DisclosureRecorded once (by event id) under its resident, with its log position. */
export function applyDisclosure(event: TsunagiEvent, tx: StoreTx, at: RecordPosition): ApplyOutcome {
  if (event.type !== 'DisclosureRecorded') return { outcome: 'ignored' };
  const { eventId, occurredAt, recordedAt } = event.envelope;
  if (tx.get<string>(TRAIL_EVENT_IDS, eventId) !== undefined) return { outcome: 'duplicate' };
  const { linkageId, ...data } = event.data;
  const cursor = trailCursor(event, at);
  const entry: TrailEntry = { ...data, eventId, occurredAt, recordedAt, position: at, cursor };
  tx.put(TRAIL, key(linkageId, cursor), entry);
  tx.put(TRAIL_EVENT_IDS, eventId, key(linkageId, cursor));
  return { outcome: 'applied' };
}

export const accessTrailProjection = (topic: string): Projection<TsunagiEvent> => ({
  name: 'access-trail',
  topics: [topic],
  tables: [TRAIL, TRAIL_EVENT_IDS],
  apply: applyDisclosure,
});

export interface TrailPage {
  entries: TrailEntry[];
  /** Cursor for the next (older) page, or null when this page is the last. */
  nextBefore: string | null;
}

export const MAX_TRAIL_PAGE = 100;

/** One page of a resident's trail, newest first. Entries hidden by `nonDisclosureUntil` are included: the caller filters. */
export function readTrailPage(
  read: Pick<StoreTx, 'range'>,
  linkageId: string,
  page: { limit?: number; before?: string } = {},
): TrailPage {
  const size = Math.min(Math.max(Math.trunc(page.limit ?? 20), 1), MAX_TRAIL_PAGE);
  const rows = read.range<TrailEntry>(TRAIL, {
    prefix: key(linkageId, ''),
    reverse: true,
    limit: size + 1,
    ...(page.before === undefined ? {} : { startAfter: key(linkageId, page.before) }),
  });
  const entries = rows.slice(0, size).map((row) => row.value);
  return { entries, nextBefore: rows.length > size ? (entries.at(-1)?.cursor ?? null) : null };
}
