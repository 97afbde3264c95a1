import { describe, expect, it } from 'vitest';
import {
  BUNDLED_POLICY_PATH,
  BUNDLED_RULES_PATH,
  loadEligibilityRulesFile,
  loadPolicyFile,
} from '../../policy/index.js';
import { type EvaluationFacts, evaluateRules, type RuleOutcome, type TriggerEvent } from './evaluate.js';
import { ageOn, chooseGuardian, type ResidentFacts } from './household.js';
import { noticeIdOf } from './notice-id.js';
import type { EligibilityRules } from './table.js';

const policy = await loadPolicyFile(BUNDLED_POLICY_PATH);
const rules = await loadEligibilityRulesFile(BUNDLED_RULES_PATH, policy);

const person = (
  linkageId: string,
  dateOfBirth: string,
  more: Partial<ResidentFacts> = {},
): ResidentFacts => ({
  linkageId,
  dateOfBirth,
  householdId: 'hh-1',
  resident: true,
  municipality: '131016',
  taxableIncome: null,
  ...more,
});
const mother = person('L-mother', '1992-05-10', { taxableIncome: 2_400_000n });
const father = person('L-father', '1990-01-20', { taxableIncome: 3_900_000n });
const grandmother = person('L-grandmother', '1958-03-03', { taxableIncome: 800_000n });
const baby = person('L-baby', '2026-04-02');

const event = (more: Partial<TriggerEvent>): TriggerEvent => ({
  eventId: 'evt-1',
  subject: 'L-baby',
  effectiveDate: '2026-04-02',
  ...more,
});
const given = (subject: ResidentFacts | undefined, household: ResidentFacts[]): EvaluationFacts => ({
  subject,
  household,
});
const summary = (outcomes: RuleOutcome[]) =>
  outcomes.map((o) =>
    o.outcome === 'NOTICE'
      ? [o.rule.id, o.recipient, o.responsibleAgency, o.dueDate, o.triggerKey]
      : [o.rule.id, o.reason],
  );

describe('ER-0001 child allowance after a birth', () => {
  it('given a household of two earning parents, when a child is born, then the main earner is told, due in 15 days', () => {
    const outcomes = evaluateRules(
      rules,
      policy,
      event({ change: 'BIRTH' }),
      given(baby, [mother, father, baby]),
    );
    expect(summary(outcomes)).toEqual([['ER-0001', 'L-father', '131016', '2026-04-17', 'evt-1']]);
  });

  it('given no income known, when a child is born, then the eldest adult is told', () => {
    const unknown = [mother, father].map((p) => ({ ...p, taxableIncome: null }));
    const outcomes = evaluateRules(
      rules,
      policy,
      event({ change: 'BIRTH' }),
      given(baby, [...unknown, baby]),
    );
    expect(summary(outcomes)).toEqual([['ER-0001', 'L-father', '131016', '2026-04-17', 'evt-1']]);
  });

  it('given a household without an adult resident, when a child is born, then the rule fails with NO_GUARDIAN', () => {
    const gone = { ...mother, resident: false };
    const outcomes = evaluateRules(rules, policy, event({ change: 'BIRTH' }), given(baby, [gone, baby]));
    expect(summary(outcomes)).toEqual([['ER-0001', 'NO_GUARDIAN']]);
  });

  it('given the same birth evaluated twice, then the notice id is the same; another birth gets another', () => {
    const [first] = evaluateRules(rules, policy, event({ change: 'BIRTH' }), given(baby, [mother, baby]));
    const [again] = evaluateRules(rules, policy, event({ change: 'BIRTH' }), given(baby, [mother, baby]));
    const [twin] = evaluateRules(
      rules,
      policy,
      event({ change: 'BIRTH', eventId: 'evt-2' }),
      given(baby, [mother, baby]),
    );
    const id = (o: RuleOutcome | undefined) =>
      o?.outcome === 'NOTICE' ? noticeIdOf(o.rule.id, o.subject, o.triggerKey) : undefined;
    expect(id(first)).toMatch(/^en-[0-9a-f]{40}$/);
    expect(id(again)).toBe(id(first));
    expect(id(twin)).not.toBe(id(first));
  });

  it('given a move-in or an income item, then nothing is triggered', () => {
    for (const trigger of [event({ change: 'MOVE_IN' }), event({ item: 'LOCAL_TAX_INCOME' })])
      expect(evaluateRules(rules, policy, trigger, given(baby, [mother, baby]))).toEqual([]);
  });
});

describe('ER-0002 public-assistance consultation after a household change', () => {
  const death = event({ change: 'DEATH', subject: 'L-father', effectiveDate: '2026-06-01' });
  const deceased = { ...father, resident: false };

  it('given a low household income, when a member dies, then the remaining main earner is told', () => {
    const outcomes = evaluateRules(rules, policy, death, given(deceased, [deceased, grandmother, baby]));
    expect(summary(outcomes)).toEqual([['ER-0002', 'L-grandmother', '131016', '2026-07-01', 'evt-1']]);
  });

  it('given an income at or above the threshold, or none known, then nothing is told', () => {
    expect(evaluateRules(rules, policy, death, given(deceased, [deceased, mother, baby]))).toEqual([]);
    const noIncome = { ...grandmother, taxableIncome: null };
    expect(evaluateRules(rules, policy, death, given(deceased, [deceased, noIncome, baby]))).toEqual([]);
  });

  it('given the remaining household has no municipality, then the rule fails naming why', () => {
    const elsewhere = { ...grandmother, municipality: null };
    const outcomes = evaluateRules(rules, policy, death, given(deceased, [deceased, elsewhere]));
    expect(summary(outcomes)).toEqual([['ER-0002', 'RESPONSIBLE_AGENCY_UNKNOWN']]);
  });
});

describe('ER-0003 pension claim reminder at 64', () => {
  const change = (effectiveDate: string) =>
    event({
      change: 'ADDRESS_CHANGE',
      subject: 'L-grandmother',
      effectiveDate,
      eventId: `evt-${effectiveDate}`,
    });

  it('given a resident of 64, when their record changes, then JPS is told once per resident', () => {
    const outcomes = evaluateRules(rules, policy, change('2022-06-01'), given(grandmother, [grandmother]));
    expect(summary(outcomes)).toEqual([['ER-0003', 'L-grandmother', 'jps', '2023-06-01', 'once']]);
  });

  it('given a resident of 63 or 65, then nothing is told', () => {
    for (const on of ['2022-03-02', '2023-03-03'])
      expect(evaluateRules(rules, policy, change(on), given(grandmother, [grandmother]))).toEqual([]);
  });

  it('given the resident died, then nobody is told and nothing fails', () => {
    const dead = { ...grandmother, resident: false };
    expect(evaluateRules(rules, policy, change('2022-06-01'), given(dead, [dead]))).toEqual([]);
  });
});

describe('rules as data', () => {
  const itemRule: EligibilityRules = {
    ...rules,
    rules: [
      {
        ...(rules.rules[2] as EligibilityRules['rules'][number]),
        id: 'ER-0009',
        when: { items: ['LOCAL_TAX_INCOME'] },
        effectiveFrom: '2027-01-01',
      },
    ],
  };

  it('given a rule not yet in force on the event date, then it is not evaluated', () => {
    const on = event({ item: 'LOCAL_TAX_INCOME', subject: 'L-grandmother', effectiveDate: '2026-12-31' });
    expect(evaluateRules(itemRule, policy, on, given(grandmother, [grandmother]))).toEqual([]);
  });

  it('given an item for a resident whose record the hub lacks, then the rule fails with SUBJECT_UNKNOWN', () => {
    const on = event({ item: 'LOCAL_TAX_INCOME', subject: 'L-nobody', effectiveDate: '2027-06-01' });
    expect(summary(evaluateRules(itemRule, policy, on, given(undefined, [])))).toEqual([
      ['ER-0009', 'SUBJECT_UNKNOWN'],
    ]);
  });

  it('given a legal-basis row that has lapsed on the event date, then the rule fails with BASIS_NOT_IN_FORCE', () => {
    const lapsed = {
      ...policy,
      rows: policy.rows.map((row) => (row.id === 'LB-0009' ? { ...row, effectiveUntil: '2025-12-31' } : row)),
    };
    const outcomes = evaluateRules(rules, lapsed, event({ change: 'BIRTH' }), given(baby, [mother, baby]));
    expect(summary(outcomes)).toEqual([['ER-0001', 'BASIS_NOT_IN_FORCE']]);
  });

  it('given a rule that throws for one resident, then it fails with EVALUATION_ERROR and the others still run', () => {
    const broken = { ...mother, dateOfBirth: undefined as unknown as string };
    const outcomes = evaluateRules(
      { ...rules, rules: [rules.rules[2], rules.rules[0]] as EligibilityRules['rules'] },
      policy,
      event({ change: 'REGISTRATION', subject: 'L-mother' }),
      given(broken, [broken]),
    );
    expect(summary(outcomes)).toEqual([['ER-0003', 'EVALUATION_ERROR']]);
  });
});

describe('household facts', () => {
  it('counts age from the birthday itself', () => {
    expect(ageOn('1958-03-03', '2023-03-02')).toBe(64);
    expect(ageOn('1958-03-03', '2023-03-03')).toBe(65);
  });

  it('chooses the highest known income, then the eldest; never the subject, a minor or someone gone', () => {
    const teen = person('L-teen', '2010-01-01', { taxableIncome: 9_000_000n });
    const left = { ...father, resident: false, taxableIncome: 99_000_000n };
    expect(chooseGuardian([teen, left, mother, grandmother], 'L-x', '2026-04-02')?.linkageId).toBe(
      'L-mother',
    );
    expect(chooseGuardian([mother, grandmother], 'L-mother', '2026-04-02')?.linkageId).toBe('L-grandmother');
  });
});
