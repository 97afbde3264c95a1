import { assertNever } from '../core/errors.js';
import { type DisclosableItem, holdsResidentRecord, type RegistryItem, sourceOf } from '../core/items.js';
import { PUBLIC_MONEY_ACCOUNT_HOLDER } from '../core/ledger/entries.js';
import type { ResidentRecord } from '../core/resident/index.js';
import type { StoredItem } from '../projections/duplicate-store.js';
import type { InquiryReadModel } from './ports.js';

export type DisclosedData = Record<string, unknown>;

const fromItem = (item: StoredItem): DisclosedData => ({
  sequence: item.sequence,
  validAsOf: item.validAsOf,
  ...item.payload,
});

function fromResident(item: RegistryItem, record: ResidentRecord): DisclosedData {
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
      return assertNever(item, 'registry item');
  }
}

/**
 * Reads what `provider` holds about the resident for `item`, as it will be disclosed; undefined when
 * there is nothing. Where each item comes from and who holds a resident record is core/items'.
 */
export async function readDisclosable(
  readModel: InquiryReadModel,
  linkageId: string,
  provider: string,
  item: DisclosableItem,
): Promise<DisclosedData | undefined> {
  const source = sourceOf(item);
  if (source.from === 'published') {
    const stored = await readModel.latestItem(linkageId, provider, source.item);
    return stored ? fromItem(stored) : undefined;
  }
  if (source.from === 'ledger') {
    // Only its holder provides it; the legal-basis table allows it only to benefit payments.
    const account =
      provider === PUBLIC_MONEY_ACCOUNT_HOLDER ? readModel.publicMoneyAccount?.(linkageId) : undefined;
    return account ? { ...account } : undefined;
  }
  const record = await readModel.residentRecord(linkageId);
  if (!record || !holdsResidentRecord(provider, record.currentMunicipality)) return undefined;
  return fromResident(source.item, record);
}
