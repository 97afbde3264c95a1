import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Consent } from '../core/consent/index.js';
import { codeKey } from '../identity/code-view.js';
import type { CodeKind } from '../identity/event-log.js';
import type { CodeRecord } from '../identity/identity-store.js';
import { revocationKey } from '../jpki/pki.js';
import type { RevokedStatus } from '../jpki/revocation-view.js';
import { readTrailPage, type TrailPage } from './access-trail.js';
import type { GapRow } from './apply-batch.js';
import { PROJECTION_NAMES, type ProjectionName, projectionsFor, projectionTopics } from './catalogue.js';
import { CODES } from './code-map.js';
import { CONSENTS } from './consents.js';
import {
  ITEM_HISTORY,
  type ItemHistoryEntry,
  LATEST_ITEMS,
  latestItemKey,
  type StoredItem,
} from './duplicate-store.js';
import { CURRENT, projectionDir } from './generations.js';
import { key, type RangeQuery } from './projection.js';
import { RESIDENTS, type ResidentRecord } from './resident-record.js';
import { REVOCATIONS, type RevocationRow } from './revocations.js';
import { GAPS, OFFSETS, openStoreAt, type ProjectionStore } from './store.js';

/**
 * Read side for the gateway and other consumers: opens each projection's `current` generation
 * read-only (lmdb: many reader processes beside the one writer). A replay's promotion is picked up
 * on the first read after `refreshMs` has passed (the `current` symlink is re-read then). Reads of a
 * projection that has never run return nothing.
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
  /** Next offset per `topic/partition` committed with a projection's state (for health and tests). */
  positions(projection: ProjectionName): Map<string, string>;
  close(): Promise<void>;
}

const TABLES = Object.fromEntries(
  Object.entries(projectionsFor(projectionTopics(''))).map(([name, p]) => [name, p.tables]),
) as Record<ProjectionName, readonly string[]>;

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
      tables: TABLES[name],
      readOnly: options.readOnly ?? true,
    });
    if (known) void known.store.close();
    open.set(name, { store, target, checkedAt: now });
    return store;
  }
  const get = <T>(name: ProjectionName, table: string, k: string) => storeOf(name)?.read.get<T>(table, k);
  const range = <T>(name: ProjectionName, table: string, query: RangeQuery) =>
    storeOf(name)?.read.range<T>(table, query) ?? [];

  return {
    latestItem: (linkageId, provider, itemKind) =>
      get<StoredItem>('information-items', LATEST_ITEMS, latestItemKey(linkageId, provider, itemKind)),
    itemsOf: (linkageId) => ({
      latest: range<StoredItem>('information-items', LATEST_ITEMS, { prefix: key(linkageId, '') }).map(
        (e) => e.value,
      ),
      history: range<ItemHistoryEntry>('information-items', ITEM_HISTORY, { prefix: key(linkageId, '') }).map(
        (e) => e.value,
      ),
    }),
    residentRecord: (linkageId) => get<ResidentRecord>('resident-records', RESIDENTS, linkageId),
    trailOf: (linkageId, page = {}) =>
      readTrailPage({ range: (table, query) => range('access-trail', table, query) }, linkageId, page),
    gaps: () =>
      PROJECTION_NAMES.flatMap((name) =>
        range<GapRow>(name, GAPS, { prefix: '' }).map((e) => ({ ...e.value, projection: name })),
      ),
    consentsOf: (linkageId) =>
      range<Consent>('consents', CONSENTS, { prefix: key(linkageId, '') }).map((e) => e.value),
    isRevoked: (issuer, serialNumber) => {
      const row = get<RevocationRow>('revocations', REVOCATIONS, revocationKey(issuer, serialNumber));
      return row ? { revoked: true, since: row.since, reason: row.reason } : { revoked: false };
    },
    codeRecord: (kind, holderId, code) => get<CodeRecord>('code-map', CODES, codeKey(kind, holderId, code)),
    positions: (name) => new Map(range<string>(name, OFFSETS, { prefix: '' }).map((e) => [e.key, e.value])),
    async close() {
      await Promise.all([...open.values()].map((o) => o.store.close()));
      open.clear();
    },
  };
}
