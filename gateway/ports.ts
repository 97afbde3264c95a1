import type { ConsentCheck } from '../core/consent/check.js';
import type { UseConsent } from '../core/consent/decider.js';
import type { Consent } from '../core/consent/types.js';
import type { PublishedItem } from '../core/items.js';
import type { PublicMoneyAccount } from '../core/ledger/entries.js';
import type { ResidentRecord } from '../core/resident/index.js';
import type { Result } from '../core/result.js';
import type { StoredItem } from '../projections/duplicate-store.js';

/**
 * What the gateway reads, as small ports: the projections' stores, the consent view and the
 * identity hub implement them. Each may answer synchronously (lmdb reads) or asynchronously.
 */
export interface InquiryReadModel {
  /** The latest item a provider published for a resident; undefined if none or withdrawn. */
  latestItem(
    linkageId: string,
    provider: string,
    itemKind: PublishedItem,
  ): StoredItem | undefined | Promise<StoredItem | undefined>;
  residentRecord(linkageId: string): ResidentRecord | undefined | Promise<ResidentRecord | undefined>;
  /** The resident's public-money account, opened from the sealed ledger; absent: none is disclosed. */
  publicMoneyAccount?(linkageId: string): PublicMoneyAccount | undefined;
  /** For /readyz: the stores are open. */
  ready?(): boolean | Promise<boolean>;
}

export interface ConsentReadModel {
  /** Every consent the resident ever granted (any status), in grant order. */
  consentsOf(linkageId: string): readonly Consent[] | Promise<readonly Consent[]>;
  ready?(): boolean | Promise<boolean>;
}

/** One use of a consent for a disclosed item, as the gateway asks for it: the command and its correlation id. */
export type ConsentUse = Omit<UseConsent, 'type'> & { correlationId: string };

/** Counts one use of a consent for a disclosed item; resolves once ConsentUsed is acknowledged (acks=all). */
export interface ConsentUses {
  use(use: ConsentUse): Promise<ConsentCheck>;
}

export type CodeRefusal = 'CODE_MALFORMED' | 'CODE_UNKNOWN';

/** The subset of identity/'s CodeRegistry the gateway needs; the linkage id never leaves the hub. */
export interface ResidentResolver {
  resolveAgencyCode(
    agencyId: string,
    agencyCode: string,
  ): Promise<Result<{ linkageId: string }, CodeRefusal>>;
  resolvePpid(serviceId: string, ppid: string): Promise<Result<{ linkageId: string }, CodeRefusal>>;
}
