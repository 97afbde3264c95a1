import { z } from 'zod';
import { TsunagiError } from '../errors.js';
import { DisclosableItem } from '../items.js';
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

export interface PolicyIssue {
  /** e.g. "rows[3].effectiveUntil" */
  path: string;
  /** The row's id when the row has a readable one. */
  rowId?: string;
  field?: string;
  message: string;
}

export type PolicyCheck = { ok: true; policy: LegalBasisPolicy } | { ok: false; issues: PolicyIssue[] };

const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
    '',
  );

function rowIdAt(input: unknown, index: number): string | undefined {
  const rows = (input as { rows?: unknown } | null)?.rows;
  const id = Array.isArray(rows) ? (rows[index] as { id?: unknown } | null)?.id : undefined;
  return typeof id === 'string' ? id : undefined;
}

function issueAt(input: unknown, path: readonly PropertyKey[], message: string): PolicyIssue {
  const issue: PolicyIssue = { path: formatPath(path), message };
  if (path[0] === 'rows' && typeof path[1] === 'number') {
    const rowId = rowIdAt(input, path[1]);
    if (rowId !== undefined) issue.rowId = rowId;
    if (path[2] !== undefined) issue.field = String(path[2]);
  }
  return issue;
}

/** Cross-row rules zod cannot express per row: unique ids, and a row's dates in order. */
function crossRowIssues(policy: LegalBasisPolicy): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const firstIndexOf = new Map<string, number>();
  policy.rows.forEach((row, index) => {
    const earlier = firstIndexOf.get(row.id);
    if (earlier === undefined) firstIndexOf.set(row.id, index);
    else
      issues.push(
        issueAt(policy, ['rows', index, 'id'], `duplicate row id ${row.id} (first at rows[${earlier}])`),
      );
    if (row.effectiveUntil !== null && row.effectiveUntil < row.effectiveFrom) {
      issues.push(
        issueAt(
          policy,
          ['rows', index, 'effectiveUntil'],
          `effectiveUntil ${row.effectiveUntil} is before effectiveFrom ${row.effectiveFrom}`,
        ),
      );
    }
  });
  return issues;
}

/** Validates a parsed JSON value as a legal-basis table; every problem is reported with its row and field. */
export function checkPolicy(input: unknown): PolicyCheck {
  const parsed = LegalBasisTable.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => issueAt(input, issue.path, issue.message)),
    };
  }
  const issues = crossRowIssues(parsed.data);
  return issues.length === 0 ? { ok: true, policy: parsed.data } : { ok: false, issues };
}

export const describeIssue = (issue: PolicyIssue): string =>
  issue.rowId === undefined
    ? `${issue.path}: ${issue.message}`
    : `${issue.path} (row ${issue.rowId}): ${issue.message}`;

/** Like `checkPolicy` but throws CONFIG_INVALID naming the first problems; `path` is the first one's. */
export function parsePolicy(input: unknown, source = 'legal-basis table'): LegalBasisPolicy {
  const checked = checkPolicy(input);
  if (checked.ok) return checked.policy;
  const shown = checked.issues.slice(0, 5).map(describeIssue);
  const more =
    checked.issues.length > shown.length ? `; and ${checked.issues.length - shown.length} more` : '';
  throw new TsunagiError('CONFIG_INVALID', `${source} is invalid: ${shown.join('; ')}${more}`, {
    path: checked.issues[0]?.path ?? '',
    cause: checked.issues,
  });
}
