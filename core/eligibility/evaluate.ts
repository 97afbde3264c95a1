import type { PublishedItem } from '../items.js';
import type { LegalBasisPolicy } from '../policy/table.js';
import type { LegalDate } from '../policy/vocabulary.js';
import type { ChangeType } from '../resident/record.js';
import { ageOn, chooseGuardian, householdIncome, type ResidentFacts } from './household.js';
import {
  type Condition,
  type EligibilityRule,
  type EligibilityRules,
  RESIDENT_MUNICIPALITY,
} from './table.js';

export type { ResidentFacts } from './household.js';

type ItemKind = PublishedItem;

/** The event a rule may be triggered by, as the notices service saw it. */
export interface TriggerEvent {
  /** The source event's id: with the rule and the resident, it makes the notice idempotent. */
  eventId: string;
  /** The resident the event is about. */
  subject: string;
  /** The legal date (JST) the change took effect. */
  effectiveDate: LegalDate;
  change?: ChangeType;
  item?: ItemKind;
}

/**
 * What the hub knows when it evaluates: the subject's record (after the event) and the residents
 * of the subject's household (the subject among them while still living there).
 */
export interface EvaluationFacts {
  subject: ResidentFacts | undefined;
  household: readonly ResidentFacts[];
}

/** Why a triggered rule could not be evaluated for a resident: dead-lettered, never silently dropped. */
export const RULE_FAILURES = [
  'SUBJECT_UNKNOWN',
  'NO_GUARDIAN',
  'RESPONSIBLE_AGENCY_UNKNOWN',
  'BASIS_NOT_IN_FORCE',
  'EVALUATION_ERROR',
] as const;
export type RuleFailure = (typeof RULE_FAILURES)[number];

/**
 * Failures for want of facts that may still come: the events of one household arrive on different
 * partitions, so a birth can be read before the parents' records. The notices service evaluates
 * these again for a while before it dead-letters them.
 */
export const awaitsFacts = (reason: RuleFailure): boolean =>
  reason === 'SUBJECT_UNKNOWN' || reason === 'NO_GUARDIAN' || reason === 'RESPONSIBLE_AGENCY_UNKNOWN';

export interface PlannedNotice {
  outcome: 'NOTICE';
  rule: EligibilityRule;
  revision: string;
  /** Linkage id of the resident to tell. */
  recipient: string;
  /** Linkage id of the resident the event is about (the newborn, for a birth). */
  subject: string;
  /** The agency that acts on it: a municipality code or an agency id. */
  responsibleAgency: string;
  dueDate: LegalDate;
  effectiveDate: LegalDate;
  /**
   * With the rule and the subject, what makes the notice the same notice on a retry: one notice per
   * birth, whoever in the household it ends up addressed to.
   */
  triggerKey: string;
}

export type RuleOutcome =
  | PlannedNotice
  | { outcome: 'FAILED'; rule: EligibilityRule; reason: RuleFailure; detail?: string };

const isInForce = (from: LegalDate, until: LegalDate | null, on: LegalDate): boolean =>
  from <= on && (until === null || on <= until);

const triggers = (rule: EligibilityRule, event: TriggerEvent): boolean =>
  (event.change !== undefined && (rule.when.records?.includes(event.change) ?? false)) ||
  (event.item !== undefined && (rule.when.items?.includes(event.item) ?? false));

function holds(condition: Condition, recipient: ResidentFacts, facts: EvaluationFacts, on: LegalDate) {
  switch (condition.kind) {
    case 'household-income-below': {
      const income = householdIncome(facts.household);
      return income !== null && income < BigInt(condition.yen);
    }
    case 'age-between': {
      const age = ageOn(recipient.dateOfBirth, on);
      return condition.from <= age && age < condition.below;
    }
  }
}

const addDays = (date: LegalDate, days: number): LegalDate =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

function evaluateRule(
  rule: EligibilityRule,
  revision: string,
  policy: LegalBasisPolicy,
  event: TriggerEvent,
  facts: EvaluationFacts,
): RuleOutcome | undefined {
  const failed = (reason: RuleFailure, detail?: string): RuleOutcome => ({
    outcome: 'FAILED',
    rule,
    reason,
    ...(detail === undefined ? {} : { detail }),
  });
  if (!facts.subject) return failed('SUBJECT_UNKNOWN', 'no resident record for the event');
  const recipient =
    rule.notify === 'SUBJECT'
      ? facts.subject.resident
        ? facts.subject
        : undefined
      : chooseGuardian(facts.household, facts.subject.linkageId, event.effectiveDate);
  if (!recipient) {
    // A subject who died or left is nobody to tell, which is no failure.
    if (rule.notify === 'SUBJECT') return undefined;
    return failed('NO_GUARDIAN', 'no adult resident in the household');
  }
  if (!rule.conditions.every((c) => holds(c, recipient, facts, event.effectiveDate))) return undefined;
  const responsibleAgency =
    rule.responsibleAgency === RESIDENT_MUNICIPALITY ? recipient.municipality : rule.responsibleAgency;
  if (!responsibleAgency) return failed('RESPONSIBLE_AGENCY_UNKNOWN', 'the resident has no municipality');
  const row = policy.rows.find((r) => r.id === rule.legalBasisRowId);
  if (!row || !isInForce(row.effectiveFrom, row.effectiveUntil, event.effectiveDate))
    return failed('BASIS_NOT_IN_FORCE', `row ${rule.legalBasisRowId} on ${event.effectiveDate}`);
  return {
    outcome: 'NOTICE',
    rule,
    revision,
    recipient: recipient.linkageId,
    subject: event.subject,
    responsibleAgency,
    dueDate: addDays(event.effectiveDate, rule.dueInDays),
    effectiveDate: event.effectiveDate,
    triggerKey: rule.repeat === 'PER_EVENT' ? event.eventId : 'once',
  };
}

/**
 * Every rule in force on the event's date that the event triggers: a notice to plan, or a failure
 * to dead-letter. Rules whose conditions do not hold give nothing. Pure and deterministic; one
 * rule's failure (even an exception) never keeps the others from being evaluated.
 */
export function evaluateRules(
  table: EligibilityRules,
  policy: LegalBasisPolicy,
  event: TriggerEvent,
  facts: EvaluationFacts,
): RuleOutcome[] {
  const outcomes: RuleOutcome[] = [];
  for (const rule of table.rules) {
    if (!triggers(rule, event)) continue;
    if (!isInForce(rule.effectiveFrom, rule.effectiveUntil, event.effectiveDate)) continue;
    try {
      const outcome = evaluateRule(rule, table.revision, policy, event, facts);
      if (outcome) outcomes.push(outcome);
    } catch (error) {
      const detail = error instanceof Error ? error.name : 'thrown';
      outcomes.push({ outcome: 'FAILED', rule, reason: 'EVALUATION_ERROR', detail });
    }
  }
  return outcomes;
}
