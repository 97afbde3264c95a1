import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUBSCRIPTIONS } from '../consumers/testing/subscribers.js';
import { BUNDLED_POLICY_PATH, loadPolicyFile } from './index.js';
import {
  BUNDLED_SUBSCRIPTIONS_PATH,
  createSubscriptionsStore,
  itemsWithoutBasis,
  loadSubscriptionsFile,
  parseSubscriptions,
} from './subscriptions.js';

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

describe('createSubscriptionsStore', () => {
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

  it('given the file changes while the service runs, then the new subscriptions apply without a restart; an invalid file keeps the old', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'tsunagi-subscriptions-'));
    const path = join(folder, 'subscriptions.json');
    const file = JSON.parse(readFileSync(BUNDLED_SUBSCRIPTIONS_PATH, 'utf8'));
    await writeFile(path, JSON.stringify(file));
    const store = await createSubscriptionsStore({ path, logger, watch: true, debounceMs: 20 });
    try {
      expect(store.current().subscriptions).toHaveLength(4);
      await writeFile(
        path,
        JSON.stringify({ ...file, revision: 'r2', subscriptions: file.subscriptions.slice(0, 1) }),
      );
      for (let i = 0; i < 100 && store.current().revision !== 'r2'; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(store.current().subscriptions.map((s) => s.agencyId)).toEqual(['jps']);
      await writeFile(
        path,
        JSON.stringify({ ...file, revision: 'r3', subscriptions: [{ agencyId: 'jps' }] }),
      );
      expect(await store.reload()).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID' } });
      expect(store.current().revision).toBe('r2');
    } finally {
      store.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
