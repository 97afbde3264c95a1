import { z } from 'zod';
import { DisclosableItem } from '../items.js';
import { datedRowIssues, describeIssue, issueAt, type TableIssue, tableInvalid } from '../table-issues.js';
import { AgencyId, isMunicipality, isValidLocalGovernmentCode, LegalDate, OfficeWork } from './vocabulary.js';

/**
 * The legal-basis table as data (docs/legal-basis.md). Each row permits one
 * (requester, office work) → (provider, item) combination between two dates.
 * Validation is pure; reading the file is in load.ts.
 */

export const ANY_MUNICIPALITY = 'any-municipality';
export const PREVIOUS_RESIDENCE_MUNICIPALITY = 'previous-residence-municipality';

const TableAgencyId = AgencyId.refine((id) => !isMunicipality(id) || isValidLocalGovernmentCode(id), {
  error: 'local government code has a wrong check digit',
});

const Requester = z
  .union([z.literal(ANY_MUNICIPALITY), TableAgencyId])
  .refine((id) => id !== PREVIOUS_RESIDENCE_MUNICIPALITY, {
    error: `"${PREVIOUS_RESIDENCE_MUNICIPALITY}" is only allowed as a provider`,
  });
const Provider = z.union([
  z.literal(ANY_MUNICIPALITY),
  z.literal(PREVIOUS_RESIDENCE_MUNICIPALITY),
  TableAgencyId,
]);

/** Hides disclosures under this row from the resident until a fixed date, or for some days after each disclosure. */
export const NonDisclosureRule = z.union([
  z.strictObject({ until: LegalDate }),
  z.strictObject({ days: z.int().min(1).max(3650) }),
]);
export type NonDisclosureRule = z.infer<typeof NonDisclosureRule>;

/**
 * Lets the requester ask, per inquiry and with a reason code, that the disclosure stay hidden from
 * the resident for at most `maxDays` days after it (e.g. an investigation). Rows without it allow no hiding.
 */
export const NonDisclosureRequestRule = z.strictObject({ maxDays: z.int().min(1).max(3650) });
export type NonDisclosureRequestRule = z.infer<typeof NonDisclosureRequestRule>;

export const LegalBasisRow = z.strictObject({
  id: z.string().regex(/^LB-\d{4}$/, { error: 'must look like LB-0001' }),
  requester: Requester,
  officeWork: OfficeWork,
  provider: Provider,
  item: DisclosableItem,
  effectiveFrom: LegalDate,
  /** Last day the row is effective (inclusive); null while in force without end. */
  effectiveUntil: LegalDate.nullable(),
  /** Private services and self-information use need the resident's active consent. */
  consentRequired: z.boolean(),
  nonDisclosure: NonDisclosureRule.optional(),
  nonDisclosureRequest: NonDisclosureRequestRule.optional(),
  /** For humans: the law article or annex line the row comes from. */
  note: z.string().max(200).optional(),
});
export type LegalBasisRow = z.infer<typeof LegalBasisRow>;

export const LegalBasisTable = z.strictObject({
  version: z.literal(1),
  /** Names this edition of the table; recorded with each decision so the trail says which table applied. */
  revision: z.string().min(1).max(40),
  rows: z.array(LegalBasisRow).min(1, { error: 'the table needs at least one row' }),
});
export type LegalBasisPolicy = z.infer<typeof LegalBasisTable>;

export type PolicyIssue = TableIssue;

export type PolicyCheck = { ok: true; policy: LegalBasisPolicy } | { ok: false; issues: PolicyIssue[] };

const rowIssue = (input: unknown, path: readonly PropertyKey[], message: string) =>
  issueAt(input, 'rows', path, message);

/** Office works that pay out public money: the only ones the public-money account is disclosed to. */
export const isBenefitPayment = (officeWork: string): boolean => officeWork.endsWith('-payment');

/**
 * Cross-row rules zod cannot express per row: unique ids, a row's dates in order, and the
 * public-money account only for benefit payments (公金受取口座登録法: the account serves the payment
 * of public money), never under a consent.
 */
function crossRowIssues(policy: LegalBasisPolicy): PolicyIssue[] {
  const issues = datedRowIssues(policy, 'rows', policy.rows);
  policy.rows.forEach((row, index) => {
    if (row.item !== 'PUBLIC_MONEY_ACCOUNT') return;
    if (!isBenefitPayment(row.officeWork))
      issues.push(
        rowIssue(
          policy,
          ['rows', index, 'officeWork'],
          'PUBLIC_MONEY_ACCOUNT only for a benefit payment (*-payment)',
        ),
      );
    if (row.consentRequired)
      issues.push(
        rowIssue(
          policy,
          ['rows', index, 'consentRequired'],
          'PUBLIC_MONEY_ACCOUNT is never disclosed under a consent',
        ),
      );
  });
  return issues;
}

/** Validates a parsed JSON value as a legal-basis table; every problem is reported with its row and field. */
export function checkPolicy(input: unknown): PolicyCheck {
  const parsed = LegalBasisTable.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => rowIssue(input, issue.path, issue.message)),
    };
  }
  const issues = crossRowIssues(parsed.data);
  return issues.length === 0 ? { ok: true, policy: parsed.data } : { ok: false, issues };
}

export { describeIssue };

/** Like `checkPolicy` but throws CONFIG_INVALID naming the first problems; `path` is the first one's. */
export function parsePolicy(input: unknown, source = 'legal-basis table'): LegalBasisPolicy {
  const checked = checkPolicy(input);
  if (checked.ok) return checked.policy;
  throw tableInvalid(checked.issues, source);
}
