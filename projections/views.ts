import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Consent } from '../core/consent/index.js';
import { codeKey } from '../identity/code-view.js';
import type { CodeKind } from '../identity/event-log.js';
import type { CodeRecord } from '../identity/identity-store.js';
import { isRevoked, type RevocationRow, type RevokedStatus } from '../jpki/revocation-view.js';
import { GAPS, OFFSETS, rowsOf, type ViewReader } from '../platform/view.js';
import type { GapRow } from '../platform/view-apply.js';
import { readTrailPage, type TrailEntry, type TrailPage } from './access-trail.js';
import { PROJECTION_NAMES, type ProjectionName } from './catalogue.js';
import { consentsOf } from './consents.js';
import {
  type ItemHistoryEntry,
  type ItemRow,
  itemsOf,
  latestItem,
  type StoredItem,
} from './duplicate-store.js';
import { CURRENT, projectionDir } from './generations.js';
import type { ResidentRecord } from './resident-record.js';
import { openStoreAt, type ProjectionStore } from './store.js';

/**
 * Read side for the gateway and other consumers: opens each view's `current` generation read-only
 * (lmdb: many reader processes beside the one writer) and reads it with the same functions a memory
 * view is read with. A replay's promotion is picked up on the first read after `refreshMs` has passed
 * (the `current` symlink is re-read then). Reads of a view that has never run return nothing.
 */
export interface ProjectionViews {
  latestItem(linkageId: string, provider: string, itemKind: string): StoredItem | undefined;
  itemsOf(linkageId: string): { latest: StoredItem[]; history: ItemHistoryEntry[] };
  residentRecord(linkageId: string): ResidentRecord | undefined;
  /** Newest first; pass the previous page's `nextBefore` as `before` for the next (older) page. */
  trailOf(linkageId: string, page?: { limit?: number; before?: string }): TrailPage;
  gaps(): Array<GapRow & { projection: ProjectionName }>;
  consentsOf(linkageId: string): Consent[];
  isRevoked(issuer: string, serialNumber: string): RevokedStatus;
  codeRecord(kind: CodeKind, holderId: string, code: string): CodeRecord | undefined;
  /** One view's rows, for readers written over ViewReader (e.g. jpki's revocation checks). */
  rows<Row>(projection: ProjectionName): ViewReader<Row>;
  /** Next offset per `topic/partition` committed with a view's state (for health and tests). */
  positions(projection: ProjectionName): Map<string, string>;
  close(): Promise<void>;
}

export interface ProjectionViewsOptions {
  storeRoot: string;
  /** How long a reader trusts the `current` link before re-reading it; default 1000 ms. */
  refreshMs?: number;
  /**
   * Default true. lmdb keeps one environment per path per process, so a reader living in the
   * projector's own process (tests, an embedded setup) must open it like the writer does: false.
   */
  readOnly?: boolean;
}

const NOTHING = { get: () => undefined, range: () => [] };

export function openProjectionViews(options: ProjectionViewsOptions): ProjectionViews {
  const refreshMs = options.refreshMs ?? 1000;
  const open = new Map<ProjectionName, { store: ProjectionStore; target: string; checkedAt: number }>();

  function storeOf(name: ProjectionName): ProjectionStore | undefined {
    const known = open.get(name);
    const now = Date.now();
    if (known && now - known.checkedAt < refreshMs) return known.store;
    let target: string;
    try {
      target = readlinkSync(join(projectionDir(options.storeRoot, name), CURRENT));
    } catch {
      return known?.store;
    }
    if (known && known.target === target) {
      known.checkedAt = now;
      return known.store;
    }
    const store = openStoreAt(join(projectionDir(options.storeRoot, name), target), {
      readOnly: options.readOnly ?? true,
    });
    if (known) void known.store.close();
    open.set(name, { store, target, checkedAt: now });
    return store;
  }
  const tables = (name: ProjectionName) => storeOf(name)?.read ?? NOTHING;
  const rows = <Row>(name: ProjectionName): ViewReader<Row> => ({
    get: (k) => rowsOf<Row>(tables(name)).get(k),
    range: (query) => rowsOf<Row>(tables(name)).range(query),
  });

  return {
    latestItem: (linkageId, provider, itemKind) =>
      latestItem(rows<ItemRow>('information-items'), linkageId, provider, itemKind),
    itemsOf: (linkageId) => itemsOf(rows<ItemRow>('information-items'), linkageId),
    residentRecord: (linkageId) => rows<ResidentRecord>('resident-records').get(linkageId),
    trailOf: (linkageId, page = {}) => readTrailPage(rows<TrailEntry>('access-trail'), linkageId, page),
    gaps: () =>
      PROJECTION_NAMES.flatMap((name) =>
        tables(name)
          .range<GapRow>(GAPS, { prefix: '' })
          .map((e) => ({ ...e.value, projection: name })),
      ),
    consentsOf: (linkageId) => consentsOf(rows<Consent>('consents'), linkageId),
    isRevoked: (issuer, serialNumber) => isRevoked(rows<RevocationRow>('revocations'), issuer, serialNumber),
    codeRecord: (kind, holderId, code) => rows<CodeRecord>('code-map').get(codeKey(kind, holderId, code)),
    rows,
    positions: (name) =>
      new Map(
        tables(name)
          .range<string>(OFFSETS, { prefix: '' })
          .map((e) => [e.key, e.value]),
      ),
    async close() {
      await Promise.all([...open.values()].map((o) => o.store.close()));
      open.clear();
    },
  };
}
