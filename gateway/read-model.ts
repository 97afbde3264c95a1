import type { ResidentRecord } from '../core/resident/index.js';
import { viewOf } from '../platform/memory-view.js';
import type { ViewReader } from '../platform/view.js';
import { duplicateStoreView, type ItemRow, latestItem } from '../projections/duplicate-store.js';
import { currentGeneration } from '../projections/generations.js';
import { residentRecordsView } from '../projections/resident-record.js';
import type { ProjectionViews } from '../projections/views.js';
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

/** The projector's views the gateway answers inquiries from. */
const INQUIRY_VIEWS = ['information-items', 'resident-records'] as const;

/**
 * The inquiry read model over the projector's lmdb views (read-only). Ready when each view the
 * gateway reads has a current generation (the projector has run) and its store opens and reads.
 */
export function projectionReadModel(views: ProjectionViews, storeRoot: string): InquiryReadModel {
  return {
    latestItem: views.latestItem,
    residentRecord: views.residentRecord,
    ready: () =>
      INQUIRY_VIEWS.every((name) => {
        if (currentGeneration(storeRoot, name) === undefined) return false;
        views.positions(name);
        return true;
      }),
  };
}

/** The read model folded in memory from `events` by the same view definitions (tests, demos). */
export const memoryReadModel = (events: readonly TsunagiEvent[]): InquiryReadModel =>
  viewsReadModel({
    items: viewOf(duplicateStoreView, events),
    residents: viewOf(residentRecordsView, events),
  });
