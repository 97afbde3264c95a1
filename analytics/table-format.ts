import type { ReportColumn } from './reports.js';

/** A result row as ClickHouse's JSONEachRow gives it (64-bit integers as strings, NULL as null). */
export type Row = Record<string, string | number | null>;

/** How a suppressed cell is printed: `x`, as Japanese statistical tables mark 秘匿 cells. */
export const SUPPRESSED = 'x';

export function cell(value: Row[string] | undefined, kind: ReportColumn['kind'] = 'text'): string {
  if (value === null || value === undefined) return SUPPRESSED;
  if (kind === 'month') return String(value).slice(0, 7);
  if (kind === 'rate') return `${(Number(value) * 100).toFixed(1)}%`;
  if (kind === 'ms' || kind === 'count') return Number(value).toLocaleString('en-US');
  return String(value);
}

const isNumeric = (kind: ReportColumn['kind']) => kind !== 'text' && kind !== 'month';

/** An aligned text table: numbers right-aligned, text left-aligned, a rule under the header. */
export function alignedTable(columns: readonly ReportColumn[], rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((c) => cell(row[c.name], c.kind)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: string[]) =>
    values
      .map((v, i) =>
        isNumeric(columns[i]?.kind ?? 'text') ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...cells.map(line),
  ].join('\n');
}

const csvField = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** RFC 4180 CSV with the column names as header; suppressed cells are `x`, numbers unformatted. */
export function csv(columns: readonly ReportColumn[], rows: readonly Row[]): string {
  const raw = (value: Row[string] | undefined) =>
    value === null || value === undefined ? SUPPRESSED : String(value);
  return `${[columns.map((c) => c.name), ...rows.map((row) => columns.map((c) => raw(row[c.name])))]
    .map((fields) => fields.map(csvField).join(','))
    .join('\r\n')}\r\n`;
}

/** Columns for an ad-hoc `--sql` result: every key of the first row, printed as given. */
export const columnsOf = (rows: readonly Row[]): ReportColumn[] =>
  Object.keys(rows[0] ?? {}).map((name) => ({ name, header: name, kind: 'text' }));
