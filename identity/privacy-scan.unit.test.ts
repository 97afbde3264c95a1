import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import { open } from 'lmdb';
import { afterAll, describe, expect, it } from 'vitest';
import type { MyNumber } from './my-number.js';
import { scanForAccountNumbers, scanForMyNumbers, scanForText } from './privacy-scan.js';
import { testMyNumbers } from './testing/my-numbers.js';

const [planted, other] = testMyNumbers('privacy-scan', 2) as [MyNumber, MyNumber];
const grouped = (sep: string) => [planted.slice(0, 4), planted.slice(4, 8), planted.slice(8)].join(sep);
const home = mkdtempSync(join(tmpdir(), 'tsunagi-scan-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('privacy scan', () => {
  it.each([
    ['a log line', `{"level":30,"msg":"x","body":"${planted}"}`, 'digits utf-8'],
    ['hyphen groups', `my number ${grouped('-')}`, 'hyphenated utf-8'],
    ['space groups', `my number ${grouped(' ')}`, 'spaced utf-8'],
    ['UTF-16LE', Buffer.from(`x${planted}`, 'utf16le'), 'digits utf-16le'],
    ['UTF-16BE', Buffer.from(`x${planted}`, 'utf16le').swap16(), 'digits utf-16be'],
    [
      'full-width digits',
      `番号：${[...planted].map((d) => String.fromCharCode(0xff10 + Number(d))).join('')}`,
      'full-width utf-8',
    ],
  ])('finds a number planted in %s', (_what, data, form) => {
    const findings = scanForMyNumbers([other, planted], [data]);
    expect(findings).toContainEqual(
      expect.objectContaining({ numberIndex: 1, form, source: expect.any(String) }),
    );
    expect(findings.every((f) => f.numberIndex === 1)).toBe(true);
  });

  it('finds a number inside an Avro-encoded string and an Avro long', () => {
    const type = avro.Type.forSchema({
      type: 'record',
      name: 'Leak',
      fields: [
        { name: 'note', type: 'string' },
        { name: 'n', type: 'long' },
      ],
    });
    const bytes = type.toBuffer({ note: `…${planted}…`, n: Number(other) });
    const forms = scanForMyNumbers([planted, other], [bytes]).map((f) => `${f.numberIndex} ${f.form}`);
    expect(forms).toEqual(expect.arrayContaining(['0 digits utf-8', '1 avro long']));
  });

  it('walks directories recursively, including an lmdb store, and reports file and offset but no digits', async () => {
    const nested = join(home, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(nested, 'clean.log'), 'nothing here 1234\n');
    writeFileSync(join(nested, 'leak.log'), `0123456789${planted}`);
    const db = open({ path: join(home, 'store') });
    await db.put('row', { note: planted });
    await db.close();
    const findings = scanForMyNumbers([planted], [{ path: home }]);
    expect(findings).toContainEqual({
      numberIndex: 0,
      source: join(nested, 'leak.log'),
      offset: 10,
      form: 'digits utf-8',
    });
    expect(findings.some((f) => f.source.startsWith(join(home, 'store')))).toBe(true);
    expect(JSON.stringify(findings)).not.toContain(planted.slice(0, 6));
  });

  it('reports nothing for clean input and does not match a number differing in one digit', () => {
    const nearMiss = `${planted.slice(0, 11)}${(Number(planted[11]) + 1) % 10}`;
    expect(
      scanForMyNumbers([planted], ['clean', Buffer.from(nearMiss), { label: 'topic x', data: 'ok' }]),
    ).toEqual([]);
  });

  it('finds names, dates and paths as UTF-8 and UTF-16, naming them by index', () => {
    const values = ['佐藤', '1985-07-14', '/srv/hub/exports'];
    const findings = scanForText(values, [
      Buffer.from('x 佐藤 y', 'utf8'),
      Buffer.from('1985-07-14', 'utf16le'),
      Buffer.from('/srv/hub/exports', 'utf16le').swap16(),
      'nothing here',
    ]);
    expect(findings.map((f) => [f.valueIndex, f.form, f.source])).toEqual([
      [0, 'utf-8', 'buffer #0'],
      [1, 'utf-16le', 'buffer #1'],
      [2, 'utf-16be', 'buffer #2'],
    ]);
  });
});

describe('privacy scan for account numbers', () => {
  const account = '0123456';
  it.each([
    ['a log line', `{"msg":"x","account":"${account}"}`, 'digits utf-8'],
    ['UTF-16LE', Buffer.from(`x${account}`, 'utf16le'), 'digits utf-16le'],
    [
      'full-width digits',
      `口座：${[...account].map((d) => String.fromCharCode(0xff10 + Number(d))).join('')}`,
      'full-width utf-8',
    ],
  ])('finds an account number planted in %s, naming it by index', (_what, data, form) => {
    const findings = scanForAccountNumbers(['7654321', account], [data]);
    expect(findings).toContainEqual(expect.objectContaining({ numberIndex: 1, form }));
    expect(findings.every((f) => f.numberIndex === 1)).toBe(true);
    expect(JSON.stringify(findings)).not.toContain(account);
  });

  it('passes what holds only other digits', () => {
    expect(scanForAccountNumbers([account], ['0123455', '12345678', Buffer.alloc(64)])).toEqual([]);
  });
});
