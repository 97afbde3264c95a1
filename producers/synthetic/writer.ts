import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { formatCsvField } from '../exports/csv-line.js';
import type { ExportFormat } from '../exports/read-export.js';
import type { RowValues } from './emit.js';

export interface ExportWriter {
  /** Buffers one row; returns its 1-based line number in the file. */
  write(values: RowValues): number;
  /** Resolves when the file can take more: call between batches so memory stays bounded. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

const CHUNK_CHARS = 64 * 1024;

/** CSV with a header row, or JSON Lines with keys in column order; UTF-8, LF endings, no BOM. */
export function createExportWriter(
  path: string,
  format: ExportFormat,
  columns: readonly string[],
): ExportWriter {
  const stream = createWriteStream(path);
  let buffer: string[] = [];
  let bufferedChars = 0;
  let line = 0;
  let backedUp = false;

  const push = (text: string) => {
    buffer.push(text);
    bufferedChars += text.length;
    if (bufferedChars >= CHUNK_CHARS) drainBuffer();
  };
  const drainBuffer = () => {
    if (buffer.length === 0) return;
    if (!stream.write(buffer.join(''))) backedUp = true;
    buffer = [];
    bufferedChars = 0;
  };
  const format1 = format === 'csv' ? csvLine : jsonLine;

  if (format === 'csv') {
    push(`${columns.join(',')}\n`);
    line++;
  }
  return {
    write(values) {
      push(format1(values, columns));
      return ++line;
    },
    async ready() {
      if (!backedUp) return;
      backedUp = false;
      await once(stream, 'drain');
    },
    async close() {
      drainBuffer();
      stream.end();
      await once(stream, 'finish');
    },
  };
}

function csvLine(values: RowValues, columns: readonly string[]): string {
  let out = '';
  for (let i = 0; i < columns.length; i++) {
    const value = values[columns[i] as string];
    if (i > 0) out += ',';
    if (value === null || value === undefined) continue;
    out += typeof value === 'number' ? String(value) : formatCsvField(value);
  }
  return `${out}\n`;
}

function jsonLine(values: RowValues, columns: readonly string[]): string {
  const ordered: RowValues = {};
  for (const column of columns) ordered[column] = values[column] ?? null;
  return `${JSON.stringify(ordered)}\n`;
}
