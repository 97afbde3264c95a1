import type { ResidentRecord } from '../core/resident/index.js';
import { LATEST_ITEMS, latestItemKey, type StoredItem } from '../projections/duplicate-store.js';
import { currentGeneration } from '../projections/generations.js';
import { RESIDENTS } from '../projections/resident-record.js';
import type { ProjectionViews } from '../projections/views.js';
import type { InquiryReadModel } from './ports.js';

/** Reads one row of a projection table (lmdb in production, projections/memory-tx in tests). */
export type TableReader = <T>(table: string, key: string) => T | undefined;

/**
 * The inquiry read model over the tables projections/ writes: the duplicate store's latest items
 * and the resident record view. `ready` reports whether the stores are open.
 */
export function storeReadModel(read: TableReader, ready?: () => boolean): InquiryReadModel {
  return {
    latestItem: (linkageId, provider, itemKind) =>
      read<StoredItem>(LATEST_ITEMS, latestItemKey(linkageId, provider, itemKind)),
    residentRecord: (linkageId) => read<ResidentRecord>(RESIDENTS, linkageId),
    ...(ready ? { ready } : {}),
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
