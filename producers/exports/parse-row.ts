import { type ExportRow, type ExportSystem, ROW_SCHEMAS } from './systems.js';

/** Where a row came from, for the error and the dead-letter record. */
export interface RowOrigin {
  file: string;
  /** 1-based physical line in the file (the CSV header is line 1). */
  line: number;
}

export interface RowError extends RowOrigin {
  /** The export column at fault, or `(row)` when the row as a whole is wrong. */
  field: string;
  /** `<field>: <what is wrong>`; never the value itself, which may be a My Number or a name. */
  message: string;
}

export type ParseRowResult = { ok: true; row: ExportRow } | { ok: false; error: RowError };

/**
 * Validates one raw record (CSV cells keyed by header, or a JSON Lines object) against the
 * system's row schema. Reports the first problem only: one row, one dead letter.
 */
export function parseRow(system: ExportSystem, raw: unknown, origin: RowOrigin): ParseRowResult {
  const parsed = ROW_SCHEMAS[system].safeParse(raw);
  if (parsed.success) return { ok: true, row: { ...parsed.data, system } as ExportRow };
  const issue = parsed.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? '(row)' : String(issue.path[0]);
  const problem =
    issue?.code === 'invalid_type' && issue.path.length === 0 ? 'expected an object' : issue?.message;
  return { ok: false, error: { ...origin, field, message: `${field}: ${problem ?? 'invalid'}` } };
}
