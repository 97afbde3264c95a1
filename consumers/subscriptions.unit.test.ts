import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUNDLED_POLICY_PATH, loadPolicyFile } from '../policy/index.js';
import {
  BUNDLED_SUBSCRIPTIONS_PATH,
  itemsWithoutBasis,
  loadSubscriptionsFile,
  parseSubscriptions,
} from './subscriptions.js';
import { SUBSCRIPTIONS } from './testing/subscribers.js';

describe('subscriptions file', () => {
  it('ships a valid example whose every item has a legal-basis row', async () => {
    const file = await loadSubscriptionsFile(BUNDLED_SUBSCRIPTIONS_PATH);
    expect(file.subscriptions.map((s) => s.agencyId)).toEqual([
      'jps',
      'hello-work',
      '131016',
      'vehicle-registration',
    ]);
    expect(itemsWithoutBasis(file.subscriptions, await loadPolicyFile(BUNDLED_POLICY_PATH))).toEqual([]);
  });

  it('names subscribed items no row could permit', async () => {
    expect(itemsWithoutBasis(SUBSCRIPTIONS, await loadPolicyFile(BUNDLED_POLICY_PATH))).toEqual([
      { agencyId: 'isa', officeWork: 'residence-status-review', item: 'BASIC_FOUR_INFORMATION' },
      { agencyId: 'isa', officeWork: 'residence-status-review', item: 'LOCAL_TAX_INCOME' },
    ]);
  });

  it('refuses an unknown item or field with CONFIG_INVALID and the path', () => {
    const file = JSON.parse(readFileSync(BUNDLED_SUBSCRIPTIONS_PATH, 'utf8'));
    file.subscriptions[1].items = ['SHOE_SIZE'];
    expect(() => parseSubscriptions(file)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', path: 'subscriptions.1.items.0' }),
    );
    const typo = {
      version: 1,
      revision: 'x',
      subscriptions: [{ ...file.subscriptions[0], provider: ['jps'] }],
    };
    expect(() => parseSubscriptions(typo)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', path: 'subscriptions.0' }),
    );
  });
});
