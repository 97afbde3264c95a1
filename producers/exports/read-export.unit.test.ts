import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ExportItem, readExport } from './read-export.js';

async function file(name: string, content: string | Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'read-export-'));
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function collect(path: string, maxLineBytes?: number): Promise<ExportItem[]> {
  const items: ExportItem[] = [];
  for await (const item of readExport(path, maxLineBytes ? { maxLineBytes } : {})) items.push(item);
  return items;
}

describe('readExport (CSV)', () => {
  it('handles a BOM, CRLF and blank lines, keeping physical line numbers and exact raw bytes', async () => {
    const path = await file('a.csv', '\uFEFFcode,name\r\n131016,佐藤\r\n\r\n  \r\n271004,"鈴木, 一郎"\r\n');
    const items = await collect(path);
    expect(items).toEqual([
      { ok: true, line: 2, raw: Buffer.from('131016,佐藤'), record: { code: '131016', name: '佐藤' } },
      {
        ok: true,
        line: 5,
        raw: Buffer.from('271004,"鈴木, 一郎"'),
        record: { code: '271004', name: '鈴木, 一郎' },
      },
    ]);
  });

  it('yields an error item for a line with a quoting error and still yields its neighbours', async () => {
    const path = await file('b.csv', 'a,b\n1,2\n3,"4\n5,6\n7,"8"x\n9,10');
    const items = await collect(path);
    expect(items.map((i) => [i.line, i.ok])).toEqual([
      [2, true],
      [3, false],
      [4, true],
      [5, false],
      [6, true],
    ]);
    expect(items[1]).toEqual({
      ok: false,
      line: 3,
      raw: Buffer.from('3,"4'),
      message: 'quote not closed in column 2',
    });
    expect(items[4]).toMatchObject({ record: { a: '9', b: '10' } });
  });

  it('reports a wrong number of columns without quoting the line', async () => {
    const path = await file('c.csv', 'a,b\n123456789018,2,3\n');
    const [item] = await collect(path);
    expect(item).toMatchObject({ ok: false, line: 2, message: 'expected 2 columns, found 3' });
    expect(item?.ok === false && item.message).not.toContain('123456789018');
  });

  it('reports a line that is not UTF-8 (a Shift_JIS name) and goes on with the next', async () => {
    const shiftJisName = Buffer.from([0x8d, 0xb2, 0x93, 0xa1]); // 佐藤 in Shift_JIS
    const path = await file(
      'sjis.csv',
      Buffer.concat([Buffer.from('code,name\n131016,'), shiftJisName, Buffer.from('\n1,ok\n')]),
    );
    const items = await collect(path);
    expect(items.map((i) => [i.line, i.ok ? i.record : i.message])).toEqual([
      [2, 'not valid UTF-8 text'],
      [3, { code: '1', name: 'ok' }],
    ]);
  });

  it('reports a line over the limit and goes on with the next', async () => {
    const path = await file('d.csv', `a\n${'x'.repeat(5000)}\nok\n`);
    const items = await collect(path, 1000);
    expect(items.map((i) => (i.ok ? i.record : i.message))).toEqual(['line too long', { a: 'ok' }]);
  });
});

describe('readExport (JSON Lines)', () => {
  it('parses objects per line and reports bad JSON without its content', async () => {
    const path = await file('e.jsonl', '{"a":1}\r\n\n{"a":"123456789018"\n[1]\n{"a":3}');
    const items = await collect(path);
    expect(items.map((i) => (i.ok ? i.record : `${i.line}: ${i.message}`))).toEqual([
      { a: 1 },
      '3: not valid JSON',
      '4: expected a JSON object',
      { a: 3 },
    ]);
    expect(items[1]?.raw).toEqual(Buffer.from('{"a":"123456789018"'));
  });
});
