import { PUBLIC_MONEY_ACCOUNT_HOLDER } from '../core/ledger/entries.js';
import type { ItemKind as PolicyItemKind } from '../core/policy/vocabulary.js';
import { isMunicipality } from '../core/policy/vocabulary.js';
import type { StoredItem } from '../projections/duplicate-store.js';
import type { ResidentRecord } from '../projections/resident-record.js';
import { ITEM_KINDS, type ItemKind } from '../schemas/events.js';
import type { InquiryReadModel } from './ports.js';

export type DisclosedData = Record<string, unknown>;

/**
 * The canonical JSON of disclosed data: object keys sorted, no whitespace, bigint and Date as
 * strings. The trail's digest is SHA-256 of these UTF-8 bytes, and an agency can recompute it
 * from the `data` it received (docs/gateway.md).
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const PUBLISHED = new Set<string>(ITEM_KINDS);
export const isPublishedItem = (item: string): item is ItemKind => PUBLISHED.has(item);

const fromItem = (item: StoredItem): DisclosedData => ({
  sequence: item.sequence,
  validAsOf: item.validAsOf,
  ...item.payload,
});

function fromResident(item: PolicyItemKind, record: ResidentRecord): DisclosedData | undefined {
  const basicFour = {
    name: record.name,
    nameKana: record.nameKana,
    address: record.address,
    dateOfBirth: record.dateOfBirth,
    gender: record.gender,
  };
  switch (item) {
    case 'BASIC_FOUR_INFORMATION':
      return basicFour;
    case 'ADDRESS':
      return { address: record.address };
    case 'RESIDENT_RECORD':
      return {
        ...basicFour,
        householdId: record.householdId,
        status: record.status,
        sequence: record.sequence,
      };
    default:
      return undefined;
  }
}

/**
 * Reads what `provider` holds about the resident for `item`, as it will be disclosed; undefined when
 * there is nothing. The public-money account is the resident's own registration, from the ledger.
 * Registry items (basic four, address, resident record) come from the resident
 * record view and are held by `resident-registry` or the municipality the resident lives in; a local
 * tax certificate is the provider's latest local-tax income item.
 */
export async function readDisclosable(
  readModel: InquiryReadModel,
  linkageId: string,
  provider: string,
  item: PolicyItemKind,
): Promise<DisclosedData | undefined> {
  if (isPublishedItem(item)) {
    const stored = await readModel.latestItem(linkageId, provider, item);
    return stored ? fromItem(stored) : undefined;
  }
  if (item === 'PUBLIC_MONEY_ACCOUNT') {
    // Only its holder provides it; the legal-basis table allows it only to benefit payments.
    const account =
      provider === PUBLIC_MONEY_ACCOUNT_HOLDER ? readModel.publicMoneyAccount?.(linkageId) : undefined;
    return account ? { ...account } : undefined;
  }
  if (item === 'LOCAL_TAX_CERTIFICATE') {
    const stored = await readModel.latestItem(linkageId, provider, 'LOCAL_TAX_INCOME');
    return stored ? fromItem(stored) : undefined;
  }
  const record = await readModel.residentRecord(linkageId);
  if (!record) return undefined;
  const holds =
    provider === 'resident-registry' || (isMunicipality(provider) && provider === record.currentMunicipality);
  return holds ? fromResident(item, record) : undefined;
}
