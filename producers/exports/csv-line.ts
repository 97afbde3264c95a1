/**
 * One CSV record per physical line (RFC 4180 quoting, but no line breaks inside fields).
 *
 * Why not csv-parse: the exports must be read line by line so that a malformed line is
 * reported with its exact bytes and its neighbours still parse. csv-parse's stream
 * resynchronises badly after a quoting error (an unclosed quote swallows the rest of the
 * file, measured), and calling it once per line costs ~80 µs, too slow for a million rows.
 */
export type CsvLineResult = { ok: true; fields: string[] } | { ok: false; problem: string };

const QUOTE = 34; // "
const COMMA = 44; // ,

export function parseCsvLine(text: string): CsvLineResult {
  const fields: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    if (text.charCodeAt(i) === QUOTE) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close === -1) return { ok: false, problem: `quote not closed in column ${fields.length + 1}` };
        value += text.slice(from, close);
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += '"';
          from = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      fields.push(value);
      if (i === n) return { ok: true, fields };
      if (text.charCodeAt(i) !== COMMA) {
        return { ok: false, problem: `unexpected character after closing quote in column ${fields.length}` };
      }
      i++;
    } else {
      const comma = text.indexOf(',', i);
      const end = comma === -1 ? n : comma;
      const value = text.slice(i, end);
      if (value.includes('"'))
        return { ok: false, problem: `quote inside unquoted column ${fields.length + 1}` };
      fields.push(value);
      if (comma === -1) return { ok: true, fields };
      i = comma + 1;
    }
  }
}

const NEEDS_QUOTES = /[",]/;
const LINE_BREAK = /[\r\n]/;

/** Quotes only where needed, so generated files stay readable and byte-stable. */
export function formatCsvField(value: string): string {
  if (LINE_BREAK.test(value)) throw new RangeError('a CSV field of an export cannot hold a line break');
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export const formatCsvLine = (values: readonly string[]): string => values.map(formatCsvField).join(',');
