import { z } from 'zod';
import type { ChangeType } from './resident/record.js';

/**
 * The information items of the hub and who holds each, stated once: the legal-basis table, consents,
 * the gateway's disclosures and the notification router all read it from here. Pure; no I/O.
 */

/** Items a provider publishes on the information-items topic, each with its own payload record. */
export const PUBLISHED_ITEMS = [
  'LOCAL_TAX_INCOME',
  'CHILD_ALLOWANCE_STATUS',
  'CARE_LEVEL',
  'PUBLIC_ASSISTANCE_STATUS',
  'PENSION_BENEFIT_AMOUNT',
  'DISABILITY_CERTIFICATE',
] as const;
export type PublishedItem = (typeof PUBLISHED_ITEMS)[number];

/** Items answered from the resident registry's record of the resident. */
export const REGISTRY_ITEMS = ['RESIDENT_RECORD', 'BASIC_FOUR_INFORMATION', 'ADDRESS'] as const;
export type RegistryItem = (typeof REGISTRY_ITEMS)[number];

/**
 * What a disclosure, a consent or a legal-basis row can name: published, registry and derived items,
 * and the resident's public-money receiving account (公金受取口座; only to benefit-payment office works,
 * answered from the resident's ledger).
 */
export const DISCLOSABLE_ITEMS = [
  ...PUBLISHED_ITEMS,
  ...REGISTRY_ITEMS,
  'LOCAL_TAX_CERTIFICATE',
  'PUBLIC_MONEY_ACCOUNT',
] as const;
export const DisclosableItem = z.enum(DISCLOSABLE_ITEMS);
export type DisclosableItem = z.infer<typeof DisclosableItem>;

/**
 * What an access-trail entry can concern: the disclosable items, and what only the hub hands out
 * (never a legal-basis row's or a consent's item): an agency's own code for a resident (a link,
 * POST /v1/links) and an eligibility notice sent to the responsible agency.
 */
export const TRAIL_ITEMS = [...DISCLOSABLE_ITEMS, 'AGENCY_CODE', 'ELIGIBILITY_NOTICE'] as const;
export type TrailItem = (typeof TRAIL_ITEMS)[number];

/** The agency id of the resident registry (住民基本台帳) in the legal-basis table. */
export const RESIDENT_REGISTRY = 'resident-registry';

/**
 * Where a disclosable item's data comes from: a provider's latest published item of a kind, the
 * resident record, or the resident's ledger (the public-money account the resident registered).
 * A local-tax certificate certifies the provider's latest local-tax income.
 */
export type ItemSource =
  | { from: 'published'; item: PublishedItem }
  | { from: 'resident-record'; item: RegistryItem }
  | { from: 'ledger'; item: 'PUBLIC_MONEY_ACCOUNT' };

const PUBLISHED = new Set<string>(PUBLISHED_ITEMS);
const REGISTRY = new Set<string>(REGISTRY_ITEMS);
export const isPublishedItem = (item: string): item is PublishedItem => PUBLISHED.has(item);
const isRegistryItem = (item: string): item is RegistryItem => REGISTRY.has(item);

export function sourceOf(item: DisclosableItem): ItemSource {
  if (isPublishedItem(item)) return { from: 'published', item };
  if (isRegistryItem(item)) return { from: 'resident-record', item };
  if (item === 'PUBLIC_MONEY_ACCOUNT') return { from: 'ledger', item };
  return { from: 'published', item: 'LOCAL_TAX_INCOME' };
}

/**
 * Who holds a resident's record (and so its registry items): the resident registry and the
 * municipality keeping the record (where the resident lives; for a change, the one that filed it).
 */
export const residentRecordHolders = (municipality: string | null): string[] =>
  municipality === null ? [RESIDENT_REGISTRY] : [municipality, RESIDENT_REGISTRY];

export const holdsResidentRecord = (provider: string, municipality: string | null): boolean =>
  residentRecordHolders(municipality).includes(provider);

/** Changes that can move the resident, so concern the address item too. */
const ADDRESS_CHANGES: ReadonlySet<ChangeType> = new Set([
  'REGISTRATION',
  'BIRTH',
  'MOVE_IN',
  'MOVE_OUT',
  'ADDRESS_CHANGE',
  'CORRECTION',
]);

/** The registry items a record change concerns: the record and basic four always, the address when it can move. */
export const registryItemsChangedBy = (change: ChangeType): RegistryItem[] =>
  ADDRESS_CHANGES.has(change)
    ? ['RESIDENT_RECORD', 'BASIC_FOUR_INFORMATION', 'ADDRESS']
    : ['RESIDENT_RECORD', 'BASIC_FOUR_INFORMATION'];
