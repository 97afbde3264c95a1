import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { TsunagiError } from '../../core/errors.js';
import { checkColumns, type ExpectedColumns } from './columns.js';
import { parseCsvLine } from './csv-line.js';
import { readLines } from './read-lines.js';

export type ExportFormat = 'csv' | 'jsonl';

/** One record of an export, or why that line could not be read. `raw` is the line's exact bytes. */
export type ExportItem =
  | { ok: true; line: number; raw: Buffer; record: Record<string, unknown> }
  | { ok: false; line: number; raw: Buffer; message: string };

export interface ReadExportOptions {
  /** Defaults to the file extension: `.csv`, or `.jsonl` / `.ndjson`. */
  format?: ExportFormat;
  /** A line longer than this is reported and skipped, so one broken line cannot exhaust memory. */
  maxLineBytes?: number;
  /**
   * Refuse the file up front (EXPORT_COLUMNS_MISMATCH, before any item is yielded) unless the CSV
   * header, or the keys of the JSON Lines file's first line, are exactly these columns.
   */
  expect?: ExpectedColumns;
}

export function formatOfPath(path: string): ExportFormat {
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  throw new TsunagiError('INPUT_INVALID', 'export file must end in .csv, .jsonl or .ndjson', { path });
}

/**
 * Reads an export file as a stream: memory stays bounded by the longest line, whatever the
 * file size. Items come in file order. A UTF-8 BOM, CRLF endings and blank lines are accepted;
 * a line that is not UTF-8 is an error item (a file whose first line is not is refused);
 * a malformed line yields an error item and reading goes on with the next line. A CSV file's
 * first non-blank line is its header; the header itself is not yielded. Messages never quote
 * the line's content.
 */
export async function* readExport(path: string, options: ReadExportOptions = {}): AsyncGenerator<ExportItem> {
  const format = options.format ?? formatOfPath(path);
  let header: string[] | undefined;
  let checked = options.expect === undefined;
  const lines = readLines(createReadStream(path), options.maxLineBytes ?? 1024 * 1024);
  for await (const { line, raw, text, tooLong, notUtf8 } of lines) {
    if (!checked && tooLong) refuse(path, line, 'its first line is too long to be a header');
    if (!checked && notUtf8)
      refuse(path, line, 'its first line is not UTF-8 text (a Shift_JIS export must be converted to UTF-8)');
    if (tooLong || notUtf8) {
      yield { ok: false, line, raw, message: tooLong ? 'line too long' : 'not valid UTF-8 text' };
      continue;
    }
    if (text.trim() === '') continue;
    if (format === 'jsonl') {
      const item = jsonItem(line, raw, text);
      if (!checked && options.expect) {
        if (!item.ok) refuse(path, line, `its first line is not a JSON object (${item.message})`);
        checkColumns(Object.keys(item.record), options.expect, { file: path, line });
        checked = true;
      }
      yield item;
      continue;
    }
    const cells = parseCsvLine(text);
    if (header === undefined) {
      if (!cells.ok)
        throw new TsunagiError('INPUT_INVALID', `CSV header: ${cells.problem}`, { path: `${path}:${line}` });
      header = cells.fields;
      if (options.expect) checkColumns(header, options.expect, { file: path, line });
      checked = true;
      continue;
    }
    if (!cells.ok) {
      yield { ok: false, line, raw, message: cells.problem };
    } else if (cells.fields.length !== header.length) {
      const message = `expected ${header.length} columns, found ${cells.fields.length}`;
      yield { ok: false, line, raw, message };
    } else {
      const record: Record<string, unknown> = {};
      for (let i = 0; i < header.length; i++) record[header[i] as string] = cells.fields[i];
      yield { ok: true, line, raw, record };
    }
  }
}

function jsonItem(line: number, raw: Buffer, text: string): ExportItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the input.
    return { ok: false, line, raw, message: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, line, raw, message: 'expected a JSON object' };
  }
  return { ok: true, line, raw, record: value as Record<string, unknown> };
}

function refuse(path: string, line: number, problem: string): never {
  throw new TsunagiError(
    'EXPORT_COLUMNS_MISMATCH',
    `${basename(path)} cannot be checked for its columns: ${problem}`,
    {
      path: `${basename(path)}:${line}`,
    },
  );
}

/**
 * Reads only as far as the header (CSV) or the first line (JSON Lines) and throws
 * EXPORT_COLUMNS_MISMATCH when the columns are not `expect`'s: the check a caller runs before
 * publishing anything. An empty file passes (it has nothing to publish).
 */
export async function checkExportColumns(
  path: string,
  expect: ExpectedColumns,
  options: Omit<ReadExportOptions, 'expect'> = {},
): Promise<void> {
  for await (const _ of readExport(path, { ...options, expect })) return;
}
