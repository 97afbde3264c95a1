import { describe, expect, it } from 'vitest';
import {
  DISCLOSABLE_ITEMS,
  holdsResidentRecord,
  PUBLISHED_ITEMS,
  REGISTRY_ITEMS,
  registryItemsChangedBy,
  residentRecordHolders,
  sourceOf,
} from './items.js';

describe('who holds which item', () => {
  it('given a published item, then it is read from the provider that published it', () => {
    for (const item of PUBLISHED_ITEMS) expect(sourceOf(item)).toEqual({ from: 'published', item });
  });

  it('given a local-tax certificate, then it certifies the provider’s latest local-tax income', () => {
    expect(sourceOf('LOCAL_TAX_CERTIFICATE')).toEqual({ from: 'published', item: 'LOCAL_TAX_INCOME' });
  });

  it('given a registry item, then it is read from the resident record', () => {
    for (const item of REGISTRY_ITEMS) expect(sourceOf(item)).toEqual({ from: 'resident-record', item });
  });

  it('given the public-money account, then it is read from the resident’s ledger', () => {
    expect(sourceOf('PUBLIC_MONEY_ACCOUNT')).toEqual({ from: 'ledger', item: 'PUBLIC_MONEY_ACCOUNT' });
  });

  it('names every disclosable item once', () => {
    expect(new Set(DISCLOSABLE_ITEMS).size).toBe(DISCLOSABLE_ITEMS.length);
    expect(DISCLOSABLE_ITEMS.map((item) => sourceOf(item).from)).not.toContain(undefined);
  });

  it('given a resident of Chiyoda, then the registry and Chiyoda hold the record, Osaka does not', () => {
    expect(residentRecordHolders('131016')).toEqual(['131016', 'resident-registry']);
    expect(holdsResidentRecord('resident-registry', '131016')).toBe(true);
    expect(holdsResidentRecord('131016', '131016')).toBe(true);
    expect(holdsResidentRecord('271004', '131016')).toBe(false);
  });

  it('given a resident who moved out, then only the registry holds the record', () => {
    expect(residentRecordHolders(null)).toEqual(['resident-registry']);
    expect(holdsResidentRecord('271004', null)).toBe(false);
  });

  it('given a change that can move the resident, then it concerns the address too', () => {
    expect(registryItemsChangedBy('MOVE_IN')).toEqual([
      'RESIDENT_RECORD',
      'BASIC_FOUR_INFORMATION',
      'ADDRESS',
    ]);
    expect(registryItemsChangedBy('NAME_CHANGE')).toEqual(['RESIDENT_RECORD', 'BASIC_FOUR_INFORMATION']);
    expect(registryItemsChangedBy('DEATH')).toEqual(['RESIDENT_RECORD', 'BASIC_FOUR_INFORMATION']);
  });
});
