import type {
  InformationItemPublished,
  InformationItemWithdrawn,
  ItemKind,
  TsunagiEvent,
} from '../schemas/events.js';
import {
  type ApplyOutcome,
  key,
  ordinal,
  type Projection,
  type RecordPosition,
  type StoreTx,
} from './projection.js';
import { inSequence } from './sequence.js';

/** Latest published item per (resident, provider, item kind); withdrawn items are removed here. */
export const LATEST_ITEMS = 'items';
/** Every publication and withdrawal per (resident, provider, item kind, sequence); never removed. */
export const ITEM_HISTORY = 'item-history';

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
  | ({ action: 'PUBLISHED' } & StoredItem & { position: RecordPosition })
  | {
      action: 'WITHDRAWN';
      provider: string;
      itemKind: ItemKind;
      sequence: number;
      reason: string;
      withdrawnAt: Date;
      eventId: string;
      position: RecordPosition;
    };

export const latestItemKey = (linkageId: string, provider: string, itemKind: string): string =>
  key(linkageId, provider, itemKind);
const historyKey = (linkageId: string, provider: string, itemKind: string, sequence: number): string =>
  key(linkageId, provider, itemKind, ordinal(sequence, 16));

function published(event: InformationItemPublished, tx: StoreTx, at: RecordPosition): void {
  const { linkageId, provider, itemKind, sequence, validAsOf, payload } = event.data;
  const item: StoredItem = {
    provider,
    itemKind,
    sequence,
    validAsOf,
    payload,
    publishedAt: event.envelope.occurredAt,
    eventId: event.envelope.eventId,
  };
  tx.put(LATEST_ITEMS, latestItemKey(linkageId, provider, itemKind), item);
  tx.put(ITEM_HISTORY, historyKey(linkageId, provider, itemKind, sequence), {
    action: 'PUBLISHED',
    ...item,
    position: at,
  });
}

function withdrawn(event: InformationItemWithdrawn, tx: StoreTx, at: RecordPosition): void {
  const { linkageId, provider, itemKind, sequence, reason } = event.data;
  tx.remove(LATEST_ITEMS, latestItemKey(linkageId, provider, itemKind));
  tx.put(ITEM_HISTORY, historyKey(linkageId, provider, itemKind, sequence), {
    action: 'WITHDRAWN',
    provider,
    itemKind,
    sequence,
    reason,
    withdrawnAt: event.envelope.occurredAt,
    eventId: event.envelope.eventId,
    position: at,
  } satisfies ItemHistoryEntry);
}

/**
 * The duplicate store (the hub's copy of what providers hold). Sequences run per resident and
 * provider across item kinds, so one provider's publications and withdrawals for a resident are
 * checked as one stream.
 */
export function applyInformationItem(event: TsunagiEvent, tx: StoreTx, at: RecordPosition): ApplyOutcome {
  switch (event.type) {
    case 'InformationItemPublished':
      return inSequence(tx, key('item', event.data.linkageId, event.data.provider), event.data.sequence, () =>
        published(event, tx, at),
      );
    case 'InformationItemWithdrawn':
      return inSequence(tx, key('item', event.data.linkageId, event.data.provider), event.data.sequence, () =>
        withdrawn(event, tx, at),
      );
    default:
      return { outcome: 'ignored' };
  }
}

export const duplicateStoreProjection = (topic: string): Projection<TsunagiEvent> => ({
  name: 'information-items',
  topics: [topic],
  tables: [LATEST_ITEMS, ITEM_HISTORY],
  apply: applyInformationItem,
});
