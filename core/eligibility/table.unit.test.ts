import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BUNDLED_POLICY_PATH,
  BUNDLED_RULES_PATH,
  createEligibilityRulesStore,
  loadEligibilityRulesFile,
  loadPolicyFile,
} from '../../policy/index.js';
import type { TsunagiError } from '../errors.js';
import { checkEligibilityRules, parseEligibilityRules } from './table.js';

const policy = await loadPolicyFile(BUNDLED_POLICY_PATH);
const bundled = await loadEligibilityRulesFile(BUNDLED_RULES_PATH, policy);
const birthRule = bundled.rules[0];
const table = (...rules: unknown[]) => ({ version: 1, revision: 't', rules });

function thrown(action: () => unknown): TsunagiError {
  try {
    action();
  } catch (error) {
    return error as TsunagiError;
  }
  throw new Error('expected a throw');
}

describe('the eligibility rules table', () => {
  it('ships three rules, valid against the bundled legal-basis table', () => {
    expect(bundled.rules.map((r) => [r.id, r.officeWork, r.responsibleAgency, r.legalBasisRowId])).toEqual([
      ['ER-0001', 'child-allowance-eligibility', 'resident-municipality', 'LB-0009'],
      ['ER-0002', 'public-assistance', 'resident-municipality', 'LB-0005'],
      ['ER-0003', 'pension-benefit-payment', 'jps', 'LB-0002'],
    ]);
  });

  it('names the rule and the field of every problem, never only the first', () => {
    const checked = checkEligibilityRules(
      table({ ...birthRule, dueInDays: 0 }, { ...birthRule, id: 'ER-0002', notify: 'NEIGHBOUR' }),
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.issues.map((i) => [i.path, i.rowId, i.field])).toEqual([
      ['rules[0].dueInDays', 'ER-0001', 'dueInDays'],
      ['rules[1].notify', 'ER-0002', 'notify'],
    ]);
  });

  it('refuses a rule that watches no event, an unknown change type or condition, and typos', () => {
    const cases: Array<[unknown, string]> = [
      [{ ...birthRule, when: {} }, 'rules[0].when'],
      [{ ...birthRule, when: { records: ['WEDDING'] } }, 'rules[0].when.records[0]'],
      [{ ...birthRule, conditions: [{ kind: 'shoe-size-below', yen: 1 }] }, 'rules[0].conditions[0].kind'],
      [{ ...birthRule, dueInDay: 15 }, 'rules[0]'],
      [{ ...birthRule, id: 'R1' }, 'rules[0].id'],
      [{ ...birthRule, effectiveFrom: '0999-01-01' }, 'rules[0].effectiveFrom'],
    ];
    for (const [rule, path] of cases)
      expect(thrown(() => parseEligibilityRules(table(rule))).path).toBe(path);
  });

  it('refuses duplicate ids, inverted dates and an empty age range, across rules', () => {
    const error = thrown(() =>
      parseEligibilityRules(
        table(birthRule, {
          ...birthRule,
          effectiveUntil: '2000-01-01',
          conditions: [{ kind: 'age-between', from: 65, below: 64 }],
        }),
      ),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(
      'rules[1].id (row ER-0001): duplicate rule id ER-0001 (first at rules[0])',
    );
    expect(error.message).toContain(
      'rules[1].effectiveUntil (row ER-0001): effectiveUntil 2000-01-01 is before',
    );
    expect(error.message).toContain('rules[1].conditions[0] (row ER-0001): below 64 is not above from 65');
  });

  it('checks each rule against the legal-basis table: the row exists, its office work and requester fit', () => {
    const cases: Array<[object, string]> = [
      [{ legalBasisRowId: 'LB-0999' }, 'no row LB-0999 in legal-basis table 2026-04-01'],
      [{ legalBasisRowId: 'LB-0001', officeWork: 'public-assistance' }, 'is for office work'],
      [{ legalBasisRowId: 'LB-0002', officeWork: 'pension-benefit-payment' }, 'is for requester jps'],
    ];
    for (const [change, message] of cases) {
      const error = thrown(() => parseEligibilityRules(table({ ...birthRule, ...change }), 'rules', policy));
      expect(error.path).toBe('rules[0].legalBasisRowId');
      expect(error.message).toContain(message);
    }
  });
});

describe('createEligibilityRulesStore', () => {
  let folder: string;
  let path: string;
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tsunagi-rules-'));
    path = join(folder, 'rules.json');
    await writeFile(path, JSON.stringify(table(birthRule)));
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  it('reloads a changed file by itself, and keeps the rules in force when the new file is invalid', async () => {
    const store = await createEligibilityRulesStore({
      path,
      policy: () => policy,
      logger,
      watch: true,
      debounceMs: 20,
    });
    try {
      await writeFile(path, JSON.stringify({ ...table(...bundled.rules), revision: 'r2' }));
      for (let i = 0; i < 100 && store.current().revision !== 'r2'; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(store.current().rules).toHaveLength(3);
      await writeFile(path, JSON.stringify(table({ ...birthRule, legalBasisRowId: 'LB-0999' })));
      const reload = await store.reload();
      expect(reload).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID' } });
      expect(store.current().revision).toBe('r2');
    } finally {
      store.close();
    }
  });
});
