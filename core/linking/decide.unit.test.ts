import { describe, expect, it } from 'vitest';
import { BUNDLED_POLICY_PATH, loadPolicyFile } from '../../policy/index.js';
import { decideLinking, type LinkingRequest } from './decide.js';

const policy = await loadPolicyFile(BUNDLED_POLICY_PATH);
const chiyoda: LinkingRequest = {
  requester: '131016',
  officeWork: 'child-allowance-eligibility',
  legalBasisRowId: 'LB-0001',
  on: '2026-04-01',
};

describe('decideLinking', () => {
  it('given a municipality citing an any-municipality row of its office work in force, when it links, then it may', () => {
    expect(decideLinking(policy, chiyoda)).toMatchObject({
      ok: true,
      row: { id: 'LB-0001' },
      revision: '2026-04-01',
    });
    const jps = { requester: 'jps', officeWork: 'pension-benefit-payment', legalBasisRowId: 'LB-0002' };
    expect(decideLinking(policy, { ...chiyoda, ...jps }).ok).toBe(true);
  });

  it.each([
    [{ legalBasisRowId: 'LB-0999' }, 'NO_LEGAL_BASIS', 'no row LB-0999'],
    [{ requester: 'jps' }, 'NO_LEGAL_BASIS', "row LB-0001 is not this requester's"],
    [
      { requester: 'hello-work', officeWork: 'unemployment-benefit', legalBasisRowId: 'LB-0002' },
      'NO_LEGAL_BASIS',
      "row LB-0002 is not this requester's",
    ],
    [{ officeWork: 'public-assistance' }, 'NO_LEGAL_BASIS', 'row LB-0001 is for another office work'],
    [
      { requester: 'tsubame-bank', officeWork: 'housing-loan-screening', legalBasisRowId: 'LB-0019' },
      'NO_LEGAL_BASIS',
      "row LB-0019 is not this requester's",
    ],
    [
      { officeWork: 'temporary-child-rearing-household-benefit', legalBasisRowId: 'LB-0012' },
      'BASIS_EXPIRED',
      'effective until 2023-03-31',
    ],
    [
      { requester: 'isa', officeWork: 'permanent-residence-review', legalBasisRowId: 'LB-0014' },
      'BASIS_NOT_YET_EFFECTIVE',
      'effective from 2027-04-01',
    ],
  ])('given %o, then it is refused with %s (%s)', (change, reason, detail) => {
    expect(decideLinking(policy, { ...chiyoda, ...change })).toEqual({ ok: false, reason, detail });
  });
});
