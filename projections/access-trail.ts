import type { LogPosition } from '../platform/positions.js';
import { key, ordinal, type ViewDefinition, type ViewReader } from '../platform/view.js';
import type { DisclosureRecorded, TsunagiEvent } from '../schemas/events.js';
import { Topics } from '../schemas/topics.js';

export type TrailEntry = Omit<DisclosureRecorded['data'], 'linkageId'> & {
  eventId: string;
  occurredAt: Date;
  recordedAt: Date;
  /** The entry's trail position: where it sits in the access-trail log. */
  position: LogPosition;
  /** Opaque paging cursor: pass it as `before` to read the entries after this one (older). */
  cursor: string;
};

export const trailCursor = (event: DisclosureRecorded, at: LogPosition): string =>
  key(ordinal(event.envelope.recordedAt.getTime(), 15), ordinal(at.partition, 5), ordinal(at.offset));

const disclosure = (event: TsunagiEvent) => (event.type === 'DisclosureRecorded' ? event : undefined);

/**
 * THE trail index: one row per disclosure under its resident, keyed by record time, then log position,
 * so a reverse scan is newest first. A disclosure re-sent under the same event id is indexed once, at
 * its first position.
 */
export const trailIndexView: ViewDefinition<TrailEntry> = {
  name: 'access-trail',
  version: 1,
  topics: [Topics.accessTrail],
  once: { by: 'event-id', idOf: (event) => event.envelope.eventId },
  keyOf(event, at) {
    const recorded = disclosure(event);
    return recorded && key(recorded.data.linkageId, trailCursor(recorded, at));
  },
  evolve(row, event, at) {
    const recorded = disclosure(event);
    if (!recorded || row) return row;
    const { linkageId: _resident, ...data } = recorded.data;
    const { eventId, occurredAt, recordedAt } = recorded.envelope;
    return { ...data, eventId, occurredAt, recordedAt, position: at, cursor: trailCursor(recorded, at) };
  },
};

export interface TrailPage {
  entries: TrailEntry[];
  /** Cursor for the next (older) page, or null when this page is the last. */
  nextBefore: string | null;
}

export const MAX_TRAIL_PAGE = 100;

/** One page of a resident's trail, newest first. Entries hidden by `nonDisclosureUntil` are included: the caller filters. */
export function readTrailPage(
  rows: ViewReader<TrailEntry>,
  linkageId: string,
  page: { limit?: number; before?: string } = {},
): TrailPage {
  const size = Math.min(Math.max(Math.trunc(page.limit ?? 20), 1), MAX_TRAIL_PAGE);
  const found = rows.range({
    prefix: key(linkageId, ''),
    reverse: true,
    limit: size + 1,
    ...(page.before === undefined ? {} : { startAfter: key(linkageId, page.before) }),
  });
  const entries = found.slice(0, size).map((row) => row.value);
  return { entries, nextBefore: found.length > size ? (entries.at(-1)?.cursor ?? null) : null };
}
