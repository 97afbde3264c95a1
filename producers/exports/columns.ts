import { basename } from 'node:path';
import { TsunagiError } from '../../core/errors.js';
import { EXPORT_COLUMNS } from './systems.js';

/** The columns an export must have: the system's, in any order, each once. */
export interface ExpectedColumns {
  system: string;
  columns: readonly string[];
}

/**
 * Column names are not personal data, but the first line of a file without a header is a data row,
 * and a cell merely shaped like a name can hold one (`fiscal_year123456789018` has a My Number in
 * it; `yamada` is a name). So only the column names of the systems we read are quoted back; any
 * other cell is named by its position.
 */
const KNOWN_COLUMNS: ReadonlySet<string> = new Set(Object.values(EXPORT_COLUMNS).flat());
const shown = (cell: string, index: number): string =>
  KNOWN_COLUMNS.has(cell) ? cell : `(column ${index + 1}: not a column name)`;

/**
 * Refuses a file whose header (CSV) or first record's keys (JSON Lines) are not exactly the
 * system's columns: EXPORT_COLUMNS_MISMATCH naming the expected and the found columns, what is
 * missing and what is unexpected. Pure; `file` is reduced to its base name in the message.
 */
export function checkColumns(
  found: readonly string[],
  expected: ExpectedColumns,
  where: { file: string; line: number },
): void {
  const wanted = new Set(expected.columns);
  const seen = new Set<string>();
  const unexpected: string[] = [];
  found.forEach((cell, index) => {
    if (!wanted.has(cell) || seen.has(cell))
      unexpected.push(seen.has(cell) ? `${shown(cell, index)} (twice)` : shown(cell, index));
    seen.add(cell);
  });
  const missing = expected.columns.filter((c) => !seen.has(c));
  if (missing.length === 0 && unexpected.length === 0) return;
  const list = (names: readonly string[]) => (names.length === 0 ? 'none' : names.join(', '));
  throw new TsunagiError(
    'EXPORT_COLUMNS_MISMATCH',
    `${basename(where.file)} is not a ${expected.system} export (docs/exports.md): expected the columns ` +
      `${list(expected.columns)}; found ${list(found.map(shown))}; missing ${list(missing)}; ` +
      `unexpected ${list(unexpected)}`,
    { path: `${basename(where.file)}:${where.line}` },
  );
}
