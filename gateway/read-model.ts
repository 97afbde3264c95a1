import { LATEST_ITEMS, latestItemKey, type StoredItem } from '../projections/duplicate-store.js';
import { RESIDENTS, type ResidentRecord } from '../projections/resident-record.js';
import type { InquiryReadModel } from './ports.js';

/** Reads one row of a projection table (lmdb in production, projections/memory-tx in tests). */
export type TableReader = <T>(table: string, key: string) => T | undefined;

/**
 * The inquiry read model over the tables projections/ writes: the duplicate store's latest items
 * and the resident record view. `ready` reports whether the stores are open.
 */
export function storeReadModel(read: TableReader, ready: () => boolean = () => true): InquiryReadModel {
  return {
    latestItem: (linkageId, provider, itemKind) =>
      read<StoredItem>(LATEST_ITEMS, latestItemKey(linkageId, provider, itemKind)),
    residentRecord: (linkageId) => read<ResidentRecord>(RESIDENTS, linkageId),
    ready,
  };
}
