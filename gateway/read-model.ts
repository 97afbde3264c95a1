import { viewOf } from '../platform/memory-view.js';
import type { ViewReader } from '../platform/view.js';
import { duplicateStoreView, type ItemRow, latestItem } from '../projections/duplicate-store.js';
import { type ResidentRecord, residentRecordsView } from '../projections/resident-record.js';
import type { TsunagiEvent } from '../schemas/events.js';
import type { InquiryReadModel } from './ports.js';

/**
 * The inquiry read model over two views' rows: the duplicate store and the resident records (the
 * projector's lmdb stores through ProjectionViews.rows, or memory views). `ready` reports whether
 * the stores are open.
 */
export function viewsReadModel(
  rows: { items: ViewReader<ItemRow>; residents: ViewReader<ResidentRecord> },
  ready: () => boolean = () => true,
): InquiryReadModel {
  return {
    latestItem: (linkageId, provider, itemKind) => latestItem(rows.items, linkageId, provider, itemKind),
    residentRecord: (linkageId) => rows.residents.get(linkageId),
    ready,
  };
}

/** The read model folded in memory from `events` by the same view definitions (tests, demos). */
export const memoryReadModel = (events: readonly TsunagiEvent[]): InquiryReadModel =>
  viewsReadModel({
    items: viewOf(duplicateStoreView, events),
    residents: viewOf(residentRecordsView, events),
  });
