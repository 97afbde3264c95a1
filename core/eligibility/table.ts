import { z } from 'zod';
import { PUBLISHED_ITEMS } from '../items.js';
import { ANY_MUNICIPALITY, type LegalBasisPolicy } from '../policy/table.js';
import { AgencyId, isMunicipality, LegalDate, OfficeWork } from '../policy/vocabulary.js';
import { CHANGE_TYPES } from '../resident/record.js';
import { datedRowIssues, issueAt, type TableIssue, tableInvalid } from '../table-issues.js';

/**
 * The eligibility rules as data (docs/notices.md): each rule says which event it watches, what must
 * hold of the resident and their household, whom to tell, and which agency acts on it under which
 * legal-basis row. Like the legal-basis table: validated whole with row and field in every error,
 * effective dates, reloaded on change. Pure; reading the file is load.ts.
 */

/** The resident's municipality of residence when the notice is made, whichever it is. */
export const RESIDENT_MUNICIPALITY = 'resident-municipality';

const Trigger = z
  .strictObject({
    /** Resident-record changes that trigger the rule (birth, move-out, death, …). */
    records: z.array(z.enum(CHANGE_TYPES)).min(1).optional(),
    /** Published information items that trigger it (a new local-tax income, …). */
    items: z.array(z.enum(PUBLISHED_ITEMS)).min(1).optional(),
  })
  .refine((when) => when.records !== undefined || when.items !== undefined, {
    error: 'names no event: give records, items or both',
  });

const Yen = z.int().min(0).max(1_000_000_000_000);
const Age = z.int().min(0).max(150);

/** Conditions on facts the hub holds; a condition whose facts are unknown does not hold. */
export const Condition = z.discriminatedUnion('kind', [
  /** The sum of the household's latest known taxable incomes is below `yen` (and some is known). */
  z.strictObject({ kind: z.literal('household-income-below'), yen: Yen }),
  /** The notified resident's age on the event's date: `from` ≤ age < `below`. */
  z.strictObject({ kind: z.literal('age-between'), from: Age, below: Age }),
]);
export type Condition = z.infer<typeof Condition>;

export const EligibilityRule = z.strictObject({
  id: z.string().regex(/^ER-\d{4}$/, { error: 'must look like ER-0001' }),
  /** Shown to the resident in the inbox: what they may be eligible for. No personal data. */
  title: z.string().min(1).max(200),
  officeWork: OfficeWork,
  /** Who acts on it: `resident-municipality` or one agency id (e.g. `jps`). */
  responsibleAgency: z.union([z.literal(RESIDENT_MUNICIPALITY), AgencyId]),
  /** The legal-basis row under which the responsible agency receives the notice. */
  legalBasisRowId: z.string().regex(/^LB-\d{4}$/, { error: 'must look like LB-0001' }),
  when: Trigger,
  conditions: z.array(Condition).max(10).default([]),
  /** SUBJECT: the resident the event is about; HOUSEHOLD_GUARDIAN: their household's main earner. */
  notify: z.enum(['SUBJECT', 'HOUSEHOLD_GUARDIAN']),
  /** The notice's due date is the event's date plus this many days. */
  dueInDays: z.int().min(1).max(3650),
  /** PER_EVENT: one notice per triggering event; ONCE_PER_RESIDENT: one ever (e.g. an age reached). */
  repeat: z.enum(['PER_EVENT', 'ONCE_PER_RESIDENT']),
  effectiveFrom: LegalDate,
  effectiveUntil: LegalDate.nullable(),
  note: z.string().max(200).optional(),
});
export type EligibilityRule = z.infer<typeof EligibilityRule>;

export const EligibilityRulesTable = z.strictObject({
  version: z.literal(1),
  /** Names this edition; every notice carries it. */
  revision: z.string().min(1).max(40),
  rules: z.array(EligibilityRule).min(1, { error: 'the table needs at least one rule' }),
});
export type EligibilityRules = z.infer<typeof EligibilityRulesTable>;

export type RulesCheck = { ok: true; rules: EligibilityRules } | { ok: false; issues: TableIssue[] };

const ruleIssue = (input: unknown, path: readonly PropertyKey[], message: string) =>
  issueAt(input, 'rules', path, message);

/** Does the legal-basis row's requester stand for the rule's responsible agency? */
function rowServes(rule: EligibilityRule, requester: string): boolean {
  if (rule.responsibleAgency === RESIDENT_MUNICIPALITY) return requester === ANY_MUNICIPALITY;
  return (
    requester === rule.responsibleAgency ||
    (requester === ANY_MUNICIPALITY && isMunicipality(rule.responsibleAgency))
  );
}

/** Across rules, and against the legal-basis table when given: the cited row must fit the rule. */
function crossRuleIssues(table: EligibilityRules, policy: LegalBasisPolicy | undefined): TableIssue[] {
  const issues = datedRowIssues(table, 'rules', table.rules);
  table.rules.forEach((rule, index) => {
    rule.conditions.forEach((condition, at) => {
      if (condition.kind === 'age-between' && condition.below <= condition.from)
        issues.push(
          ruleIssue(
            table,
            ['rules', index, 'conditions', at],
            `below ${condition.below} is not above from ${condition.from}`,
          ),
        );
    });
    if (!policy) return;
    const row = policy.rows.find((r) => r.id === rule.legalBasisRowId);
    const problem = !row
      ? `no row ${rule.legalBasisRowId} in legal-basis table ${policy.revision}`
      : row.officeWork !== rule.officeWork
        ? `row ${row.id} is for office work ${row.officeWork}, not ${rule.officeWork}`
        : !rowServes(rule, row.requester)
          ? `row ${row.id} is for requester ${row.requester}, not ${rule.responsibleAgency}`
          : undefined;
    if (problem) issues.push(ruleIssue(table, ['rules', index, 'legalBasisRowId'], problem));
  });
  return issues;
}

/**
 * Validates a parsed JSON value as an eligibility rules table; with `policy`, also that each rule
 * cites a legal-basis row of its office work whose requester is the responsible agency.
 */
export function checkEligibilityRules(input: unknown, policy?: LegalBasisPolicy): RulesCheck {
  const parsed = EligibilityRulesTable.safeParse(input);
  if (!parsed.success)
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ruleIssue(input, issue.path, issue.message)),
    };
  const issues = crossRuleIssues(parsed.data, policy);
  return issues.length === 0 ? { ok: true, rules: parsed.data } : { ok: false, issues };
}

/** Like `checkEligibilityRules` but throws CONFIG_INVALID naming the problems, `path` the first one's. */
export function parseEligibilityRules(
  input: unknown,
  source = 'eligibility rules',
  policy?: LegalBasisPolicy,
): EligibilityRules {
  const checked = checkEligibilityRules(input, policy);
  if (checked.ok) return checked.rules;
  throw tableInvalid(checked.issues, source);
}
