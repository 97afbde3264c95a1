import type { LogPosition } from '../platform/positions.js';
import { key, type ViewDefinition, type ViewReader } from '../platform/view.js';
import type {
  InformationItemPublished,
  InformationItemWithdrawn,
  ItemKind,
  TsunagiEvent,
} from '../schemas/events.js';
import { Topics } from '../schemas/topics.js';

export interface StoredItem {
  provider: string;
  itemKind: ItemKind;
  sequence: number;
  validAsOf: string;
  payload: InformationItemPublished['data']['payload'];
  publishedAt: Date;
  eventId: string;
}

export type ItemHistoryEntry =
  | ({ action: 'PUBLISHED' } & StoredItem & { position: LogPosition })
  | {
      action: 'WITHDRAWN';
      provider: string;
      itemKind: ItemKind;
      sequence: number;
      reason: string;
      withdrawnAt: Date;
      eventId: string;
      position: LogPosition;
    };

/** One row per (resident, provider, item kind): the latest publication (null once withdrawn) and every change. */
export interface ItemRow {
  latest: StoredItem | null;
  history: ItemHistoryEntry[];
}

export const latestItemKey = (linkageId: string, provider: string, itemKind: string): string =>
  key(linkageId, provider, itemKind);

type ItemEvent = InformationItemPublished | InformationItemWithdrawn;
const itemEvent = (event: TsunagiEvent): ItemEvent | undefined =>
  event.type === 'InformationItemPublished' || event.type === 'InformationItemWithdrawn' ? event : undefined;

function evolveItem(row: ItemRow | undefined, event: ItemEvent, at: LogPosition): ItemRow {
  const history = row?.history ?? [];
  const { provider, itemKind, sequence } = event.data;
  const { eventId, occurredAt } = event.envelope;
  if (event.type === 'InformationItemWithdrawn') {
    const { reason } = event.data;
    return {
      latest: null,
      history: [
        ...history,
        {
          action: 'WITHDRAWN',
          provider,
          itemKind,
          sequence,
          reason,
          withdrawnAt: occurredAt,
          eventId,
          position: at,
        },
      ],
    };
  }
  const { validAsOf, payload } = event.data;
  const item: StoredItem = {
    provider,
    itemKind,
    sequence,
    validAsOf,
    payload,
    publishedAt: occurredAt,
    eventId,
  };
  return { latest: item, history: [...history, { action: 'PUBLISHED', ...item, position: at }] };
}

/**
 * THE duplicate store (the hub's copy of what providers hold). Sequences run per resident and
 * provider across item kinds, so one provider's publications and withdrawals for a resident are
 * checked as one stream.
 */
export const duplicateStoreView: ViewDefinition<ItemRow> = {
  name: 'information-items',
  version: 1,
  topics: [Topics.informationItems],
  once: {
    by: 'sequence',
    streamOf(event) {
      const item = itemEvent(event);
      return (
        item && { stream: key('item', item.data.linkageId, item.data.provider), sequence: item.data.sequence }
      );
    },
  },
  keyOf(event) {
    const item = itemEvent(event);
    return item && latestItemKey(item.data.linkageId, item.data.provider, item.data.itemKind);
  },
  evolve(row, event, at) {
    const item = itemEvent(event);
    return item ? evolveItem(row, item, at) : row;
  },
};

/** The latest item a provider published for a resident; undefined if none or withdrawn. */
export const latestItem = (
  rows: ViewReader<ItemRow>,
  linkageId: string,
  provider: string,
  itemKind: string,
): StoredItem | undefined => rows.get(latestItemKey(linkageId, provider, itemKind))?.latest ?? undefined;

/** A resident's latest items and every publication and withdrawal, by provider, item kind, sequence. */
export function itemsOf(
  rows: ViewReader<ItemRow>,
  linkageId: string,
): { latest: StoredItem[]; history: ItemHistoryEntry[] } {
  const found = rows.range({ prefix: key(linkageId, '') }).map((entry) => entry.value);
  return {
    latest: found.flatMap((row) => (row.latest ? [row.latest] : [])),
    history: found.flatMap((row) => row.history),
  };
}
