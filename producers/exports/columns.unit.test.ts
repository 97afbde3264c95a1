import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testMyNumber } from '../../identity/testing/my-numbers.js';
import { checkColumns } from './columns.js';
import { checkExportColumns, readExport } from './read-export.js';
import { EXPORT_COLUMNS } from './systems.js';

const juki = { system: 'juki', columns: EXPORT_COLUMNS.juki };
const localTax = EXPORT_COLUMNS['local-tax'];
const where = { file: '/srv/exports/2025-04/local-tax.csv', line: 1 };

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'columns-')), name);
  await writeFile(path, content);
  return path;
}

describe('checkColumns: an export must have exactly its system’s columns', () => {
  it('accepts the columns in any order', () => {
    expect(() => checkColumns([...EXPORT_COLUMNS.juki].reverse(), juki, where)).not.toThrow();
  });

  it('refuses the local-tax header given as juki, naming expected, found, missing and unexpected', () => {
    expect(() => checkColumns(localTax, juki, where)).toThrow(
      expect.objectContaining({
        code: 'EXPORT_COLUMNS_MISMATCH',
        path: 'local-tax.csv:1',
        message:
          `local-tax.csv is not a juki export (docs/exports.md): expected the columns ${EXPORT_COLUMNS.juki.join(', ')}; ` +
          `found ${localTax.join(', ')}; ` +
          'missing change_type, household_id, family_name, given_name, family_name_kana, given_name_kana, ' +
          'date_of_birth, gender, address_municipality_code, prefecture, city, street; ' +
          'unexpected action, withdraw_reason, fiscal_year, taxable_income, municipal_tax, prefectural_tax',
      }),
    );
  });

  it('refuses a missing column and a column given twice', () => {
    const header = [...EXPORT_COLUMNS.juki.filter((c) => c !== 'gender'), 'street'];
    expect(() => checkColumns(header, juki, where)).toThrow(/missing gender; unexpected street \(twice\)$/);
  });

  it('never quotes a repeated cell that is not shaped like a column name (found by fuzzing)', () => {
    const myNumber = testMyNumber('columns-twice');
    expect(() => checkColumns([...EXPORT_COLUMNS.juki, myNumber, myNumber], juki, where)).toThrow(
      /unexpected \(column \d+: not a column name\), \(column \d+: not a column name\) \(twice\)$/,
    );
  });

  it('never quotes a cell that is not shaped like a column name: a headerless file starts with data', () => {
    const myNumber = testMyNumber('columns');
    const dataRow = ['131016', myNumber, '3', 'MOVE_OUT', '2023-04-01', 'hh-1', '佐藤', '花子'];
    let message = '';
    try {
      checkColumns(dataRow, juki, where);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('found (column 1: not a column name), (column 2: not a column name)');
    for (const value of [myNumber, '佐藤', '花子', '2023-04-01', 'hh-1'])
      expect(message).not.toContain(value);
  });
});

describe('checkColumns quotes only the column names of the systems it knows', () => {
  it('never quotes a cell shaped like a column name that holds personal data (fuzz seed 692445178)', () => {
    const myNumber = testMyNumber('columns-fused');
    const header = [
      ...localTax.filter((c) => c !== 'fiscal_year'),
      `fiscal_year${myNumber}`,
      'yamada',
      'hanako_2',
    ];
    let message = '';
    try {
      checkColumns(header, juki, where);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(
      'prefectural_tax, (column 10: not a column name), (column 11: not a column name), (column 12',
    );
    for (const value of [myNumber, 'yamada', 'hanako']) expect(message).not.toContain(value);
  });
});

describe('readExport with expected columns', () => {
  const rows = `${localTax.join(',')}\n271004,${testMyNumber('lt')},5,PUBLISH,2023-06-10,,2023,3200000,192000,128000\n`;

  it('throws at the CSV header, before yielding any row', async () => {
    const path = await file('local-tax.csv', rows);
    const yielded: unknown[] = [];
    const reading = (async () => {
      for await (const item of readExport(path, { expect: juki })) yielded.push(item);
    })();
    await expect(reading).rejects.toMatchObject({ code: 'EXPORT_COLUMNS_MISMATCH' });
    expect(yielded).toEqual([]);
    await expect(checkExportColumns(path, juki)).rejects.toMatchObject({ code: 'EXPORT_COLUMNS_MISMATCH' });
    await expect(
      checkExportColumns(path, { system: 'local-tax', columns: localTax }),
    ).resolves.toBeUndefined();
  });

  it('checks the keys of a JSON Lines file’s first line', async () => {
    const record = Object.fromEntries(localTax.map((c) => [c, null]));
    const path = await file('local-tax.jsonl', `\n${JSON.stringify(record)}\n`);
    await expect(checkExportColumns(path, juki)).rejects.toMatchObject({
      code: 'EXPORT_COLUMNS_MISMATCH',
      path: 'local-tax.jsonl:2',
    });
    await expect(
      checkExportColumns(path, { system: 'local-tax', columns: localTax }),
    ).resolves.toBeUndefined();
  });

  it('refuses a JSON Lines file whose first line is not an object (e.g. a CSV named .jsonl)', async () => {
    const path = await file('juki.jsonl', rows);
    await expect(checkExportColumns(path, juki)).rejects.toMatchObject({
      code: 'EXPORT_COLUMNS_MISMATCH',
      message:
        'juki.jsonl cannot be checked for its columns: its first line is not a JSON object (not valid JSON)',
    });
  });

  it('refuses a file whose header is not UTF-8 (a Shift_JIS export), naming what to do', async () => {
    const header = Buffer.concat([
      Buffer.from('code,'),
      Buffer.from([0x96, 0xbc, 0x91, 0x4f]),
      Buffer.from('\n'),
    ]);
    await expect(checkExportColumns(await file('sjis.csv', header), juki)).rejects.toMatchObject({
      code: 'EXPORT_COLUMNS_MISMATCH',
      message:
        'sjis.csv cannot be checked for its columns: its first line is not UTF-8 text (a Shift_JIS export must be converted to UTF-8)',
    });
  });

  it('lets an empty file through: it has nothing to publish', async () => {
    await expect(checkExportColumns(await file('empty.csv', ''), juki)).resolves.toBeUndefined();
  });
});
