import { describe, expect, it } from 'vitest';
import { formatCsvLine, parseCsvLine } from './csv-line.js';

describe('parseCsvLine', () => {
  it('splits plain and quoted fields, with doubled quotes and empty cells', () => {
    expect(parseCsvLine('a,"b,c","say ""hi""",,')).toEqual({
      ok: true,
      fields: ['a', 'b,c', 'say "hi"', '', ''],
    });
  });

  it('reports an unclosed quote, a stray quote and text after a closing quote', () => {
    expect(parseCsvLine('a,"bc,d')).toEqual({ ok: false, problem: 'quote not closed in column 2' });
    expect(parseCsvLine('a,b"c,d')).toEqual({ ok: false, problem: 'quote inside unquoted column 2' });
    expect(parseCsvLine('a,"b"c,d')).toEqual({
      ok: false,
      problem: 'unexpected character after closing quote in column 2',
    });
  });

  it('reads back what formatCsvLine writes', () => {
    const values = ['131016', '千代田区九段南1-2-3', 'x,"y"', ''];
    expect(parseCsvLine(formatCsvLine(values))).toEqual({ ok: true, fields: values });
  });

  it('refuses to write a line break into a field', () => {
    expect(() => formatCsvLine(['a\nb'])).toThrow(RangeError);
  });
});
