import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { isTsunagiError } from '../../core/errors.js';
import { newLinkageId } from '../../identity/linkage-id.js';
import { fuzzRuns } from '../../tests/support/fuzz.js';
import { parseRow } from './parse-row.js';
import { type ExportItem, readExport } from './read-export.js';
import { SAMPLE_MY_NUMBER, SAMPLE_ROWS } from './sample-rows.js';
import { EXPORT_COLUMNS, EXPORT_SYSTEMS, type ExportSystem, toEvent } from './systems.js';

/**
 * Seeded fuzzing of export files (issue 16, item 5): valid rows of every system, written as CSV or
 * JSON Lines with hostile field values (quotes, separators, line breaks, control characters, huge
 * fields), mixed line endings and a BOM, then damaged byte by byte (flips, insertions, deletions,
 * invalid UTF-8, truncation). Whatever the file, reading it either refuses it up front with a typed
 * error or gives one item per non-blank line in order; a rejection names the line and never quotes
 * its content; no line with broken UTF-8 becomes a row; every accepted row becomes an event.
 */
const MAX_LINE = 4096;
const HUGE = '\u0000huge:';
/** A value no message may quote (a name, say), put into a random column of some rows. */
const CANARY = '山田カナリア';
const unfold = (value: string) =>
  value.startsWith(HUGE) ? 'x'.repeat(Number(value.slice(HUGE.length))) : value;
const dir = mkdtempSync(join(tmpdir(), 'tsunagi-fuzz-exports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hostileValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('"', '""', ',', '\n', '\r', '\r\n', '\u0000', '\uFEFF', ' ', '\\', '"a,b"', '\u202E'),
  // A huge field, written out only when the file is rendered (so a failure prints its length).
  fc.nat(3 * MAX_LINE).map((n) => `${HUGE}${n}`),
  fc.integer().map(String),
  fc.constant(CANARY),
);
type Damage = { at: number; kind: 'flip' | 'insert' | 'delete' | 'broken-utf8' | 'truncate'; byte: number };
const damage = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('flip', 'insert', 'delete', 'broken-utf8', 'truncate'),
  byte: fc.integer({ min: 0, max: 255 }),
}) as fc.Arbitrary<Damage>;

const exportFile = fc.record({
  system: fc.constantFrom(...EXPORT_SYSTEMS),
  format: fc.constantFrom('csv', 'jsonl') as fc.Arbitrary<'csv' | 'jsonl'>,
  rows: fc.array(
    fc.dictionary(fc.constantFrom(...new Set(Object.values(EXPORT_COLUMNS).flat())), hostileValue),
    {
      maxLength: 12,
    },
  ),
  endings: fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 1, maxLength: 4 }),
  bom: fc.boolean(),
  quoteAll: fc.boolean(),
  damage: fc.array(damage, { maxLength: 4 }),
});
type ExportFile = typeof exportFile extends fc.Arbitrary<infer T> ? T : never;

const csvCell = (value: string, quoteAll: boolean) =>
  quoteAll || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

function render(file: ExportFile): Buffer {
  const columns = EXPORT_COLUMNS[file.system];
  const rows = file.rows.map((changes) => {
    const row: Record<string, string> = { ...SAMPLE_ROWS[file.system] };
    for (const [column, value] of Object.entries(changes)) row[column] = unfold(value);
    return row;
  });
  const lines =
    file.format === 'csv'
      ? [columns, ...rows.map((r) => columns.map((c) => r[c] ?? ''))].map((cells) =>
          cells.map((cell) => csvCell(cell, file.quoteAll)).join(','),
        )
      : rows.map((r) => JSON.stringify(r));
  const text = lines.map((line, i) => line + file.endings[i % file.endings.length]).join('');
  let bytes: Buffer = Buffer.from((file.bom ? '\uFEFF' : '') + text, 'utf8');
  for (const d of file.damage) bytes = damaged(bytes, d);
  return bytes;
}

function damaged(bytes: Buffer, d: Damage): Buffer {
  const at = bytes.length === 0 ? 0 : d.at % bytes.length;
  const [head, tail] = [bytes.subarray(0, at), bytes.subarray(at)];
  switch (d.kind) {
    case 'flip':
      return Buffer.concat([head, Buffer.from([(tail[0] ?? 0) ^ (1 << (d.byte % 8))]), tail.subarray(1)]);
    case 'insert':
      return Buffer.concat([head, Buffer.from([d.byte]), tail]);
    case 'delete':
      return Buffer.concat([head, tail.subarray(1)]);
    case 'broken-utf8':
      return Buffer.concat([head, Buffer.from([0xc3 + (d.byte % 2) * 0x3c]), tail]);
    case 'truncate':
      return head;
  }
}

/** The lines as a reader of the bytes sees them, independently of readLines: LF splits, CR before it dropped. */
function physicalLines(bytes: Buffer): Buffer[] {
  const body = bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? bytes.subarray(3) : bytes;
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i < body.length && body[i] !== 0x0a) continue;
    if (i === body.length && start === body.length) break;
    const line = body.subarray(start, i);
    lines.push(line.at(-1) === 0x0d ? line.subarray(0, -1) : line);
    start = i + 1;
  }
  return lines;
}
const isUtf8 = (bytes: Buffer) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};
const isBlank = (line: Buffer) => line.length <= MAX_LINE && line.toString('utf8').trim() === '';

async function readAll(path: string, system: ExportSystem) {
  const items: ExportItem[] = [];
  try {
    for await (const item of readExport(path, {
      maxLineBytes: MAX_LINE,
      expect: { system, columns: EXPORT_COLUMNS[system] },
    }))
      items.push(item);
    return { items };
  } catch (error) {
    return { items, refused: error };
  }
}

let fileNumber = 0;
const ctx = { linkageId: newLinkageId(), producer: 'fuzz', clock: fixedClock('2026-01-01T00:00:00Z') };

describe('export files, fuzzed', () => {
  it('are refused up front with a typed error, or read one item per line, in order, quoting nothing', async () => {
    await fc.assert(
      fc.asyncProperty(exportFile, async (file) => {
        const bytes = render(file);
        const path = join(dir, `export-${fileNumber++}.${file.format}`);
        writeFileSync(path, bytes);
        const { items, refused } = await readAll(path, file.system);
        const lines = physicalLines(bytes);
        if (refused !== undefined) {
          expect(
            isTsunagiError(refused) && ['EXPORT_COLUMNS_MISMATCH', 'INPUT_INVALID'].includes(refused.code),
          ).toBe(true);
          expect(items).toEqual([]);
          expect(String((refused as Error).message)).not.toContain(SAMPLE_MY_NUMBER);
          return;
        }
        const nonBlank = lines.flatMap((line, i) => (isBlank(line) ? [] : [i + 1]));
        const expected = file.format === 'csv' ? nonBlank.slice(1) : nonBlank;
        expect(items.map((i) => i.line)).toEqual(expected);
        for (const item of items) {
          const raw = lines[item.line - 1] as Buffer;
          if (!item.ok) {
            expect(item.message.length).toBeGreaterThan(0);
            expect(item.message).not.toContain(SAMPLE_MY_NUMBER);
            expect(item.message).not.toContain(CANARY);
            continue;
          }
          // A line with broken UTF-8 never becomes a row (names would be published as mojibake).
          expect(isUtf8(raw)).toBe(true);
          const parsed = parseRow(file.system, item.record, { file: path, line: item.line });
          if (!parsed.ok) {
            expect(parsed.error.message).not.toContain(SAMPLE_MY_NUMBER);
            expect(parsed.error.message).not.toContain(CANARY);
            continue;
          }
          expect(toEvent(parsed.row, ctx).data).not.toHaveProperty('myNumber');
        }
      }),
      fuzzRuns('exports', 3000, 'producers/exports/exports.fuzz.unit.test.ts'),
    );
  }, 300_000);
});
