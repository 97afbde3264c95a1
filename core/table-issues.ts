import { TsunagiError } from './errors.js';

/**
 * How a table kept as data (the legal-basis table, the eligibility rules) reports what is wrong
 * with it: every problem with its path, and for a problem inside one row or rule, that row's id and
 * field, so whoever edits the file finds it. Pure.
 */
export interface TableIssue {
  /** e.g. "rows[3].effectiveUntil" */
  path: string;
  /** The row's id when the row has a readable one. */
  rowId?: string;
  field?: string;
  message: string;
}

const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
    '',
  );

function rowIdAt(input: unknown, list: string, index: number): string | undefined {
  const rows = (input as Record<string, unknown> | null)?.[list];
  const id = Array.isArray(rows) ? (rows[index] as { id?: unknown } | null)?.id : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** The issue at `path` of `input`, whose rows are the array under `list` ("rows", "rules"). */
export function issueAt(
  input: unknown,
  list: string,
  path: readonly PropertyKey[],
  message: string,
): TableIssue {
  const issue: TableIssue = { path: formatPath(path), message };
  if (path[0] === list && typeof path[1] === 'number') {
    const rowId = rowIdAt(input, list, path[1]);
    if (rowId !== undefined) issue.rowId = rowId;
    if (path[2] !== undefined) issue.field = String(path[2]);
  }
  return issue;
}

export const describeIssue = (issue: TableIssue): string =>
  issue.rowId === undefined
    ? `${issue.path}: ${issue.message}`
    : `${issue.path} (row ${issue.rowId}): ${issue.message}`;

/** CONFIG_INVALID naming up to five problems; `path` is the first one's, `cause` all of them. */
export function tableInvalid(issues: readonly TableIssue[], source: string): TsunagiError {
  const shown = issues.slice(0, 5).map(describeIssue);
  const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : '';
  return new TsunagiError('CONFIG_INVALID', `${source} is invalid: ${shown.join('; ')}${more}`, {
    path: issues[0]?.path ?? '',
    cause: issues,
  });
}

interface DatedRow {
  id: string;
  effectiveFrom: string;
  effectiveUntil: string | null;
}

/** The checks every dated table needs across its rows: unique ids, and each row's dates in order. */
export function datedRowIssues(table: unknown, list: string, rows: readonly DatedRow[]): TableIssue[] {
  const issues: TableIssue[] = [];
  const firstIndexOf = new Map<string, number>();
  rows.forEach((row, index) => {
    const earlier = firstIndexOf.get(row.id);
    if (earlier === undefined) firstIndexOf.set(row.id, index);
    else
      issues.push(
        issueAt(
          table,
          list,
          [list, index, 'id'],
          `duplicate ${list.replace(/s$/, '')} id ${row.id} (first at ${list}[${earlier}])`,
        ),
      );
    if (row.effectiveUntil !== null && row.effectiveUntil < row.effectiveFrom) {
      issues.push(
        issueAt(
          table,
          list,
          [list, index, 'effectiveUntil'],
          `effectiveUntil ${row.effectiveUntil} is before effectiveFrom ${row.effectiveFrom}`,
        ),
      );
    }
  });
  return issues;
}
