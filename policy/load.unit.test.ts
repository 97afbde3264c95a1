import { describe, expect, it } from 'vitest';
import { decideDisclosure } from '../core/policy/decide.js';
import { BUNDLED_POLICY_PATH, loadPolicyFile } from './load.js';

describe('the bundled table', () => {
  it('is valid and decides the design sample rows', async () => {
    const policy = await loadPolicyFile(BUNDLED_POLICY_PATH);
    const inquiry = {
      requester: 'isa',
      officeWork: 'residence-status-review',
      provider: '271004',
      item: 'LOCAL_TAX_CERTIFICATE',
      on: '2025-06-01',
    } as const;
    expect(decideDisclosure(policy, inquiry)).toMatchObject({ ok: true, row: { id: 'LB-0006' } });
    expect(policy.rows.some((row) => row.consentRequired)).toBe(true);
    expect(policy.rows.filter((row) => row.nonDisclosureRequest).map((row) => row.id)).toEqual([
      'LB-0013',
      'LB-0021',
      'LB-0022',
    ]);
    expect(policy.rows.some((row) => row.effectiveUntil !== null && row.effectiveUntil < '2025-01-01')).toBe(
      true,
    );
    expect(
      policy.rows.filter((row) => row.item === 'PUBLIC_MONEY_ACCOUNT').map((row) => row.officeWork),
    ).toEqual(['child-allowance-payment', 'pension-benefit-payment', 'special-cash-benefit-payment']);
  });
});
