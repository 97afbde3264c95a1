import { describe, expect, it } from 'vitest';
import { parseRow } from './parse-row.js';
import { SAMPLE_MY_NUMBER, SAMPLE_ROWS } from './sample-rows.js';
import { EXPORT_SYSTEMS, type ExportSystem } from './systems.js';

const at = { file: 'export.csv', line: 7 };
const withValues = (system: ExportSystem, changes: Record<string, unknown>) => ({
  ...SAMPLE_ROWS[system],
  ...changes,
});

describe('parseRow', () => {
  it.each(EXPORT_SYSTEMS)('%s: accepts its sample row and tags it with the system', (system) => {
    const result = parseRow(system, SAMPLE_ROWS[system], at);
    expect(result).toMatchObject({ ok: true, row: { system, my_number: SAMPLE_MY_NUMBER } });
  });

  it.each(EXPORT_SYSTEMS)('%s: rejects each kind of broken row with file, line and field', (system) => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ my_number: '123456789012' }, 'my_number', 'my_number: bad check digit'],
      [{ my_number: '12345678901' }, 'my_number', 'my_number: must be 12 digits'],
      [{ my_number: '12345678901８' }, 'my_number', 'my_number: must be ASCII digits only'],
      [{ effective_date: '' }, 'effective_date', 'effective_date: missing'],
      [{ effective_date: '2023-02-30' }, 'effective_date', 'effective_date: not a calendar date YYYY-MM-DD'],
      [
        { effective_date: '1899-12-31' },
        'effective_date',
        'effective_date: must lie between 1900-01-01 and 2200-12-31',
      ],
      [
        { effective_date: '2201-01-01' },
        'effective_date',
        'effective_date: must lie between 1900-01-01 and 2200-12-31',
      ],
      [
        { municipality_code: '131017' },
        'municipality_code',
        'municipality_code: bad municipality check digit',
      ],
      [{ sequence: '0' }, 'sequence', 'sequence: must be at least 1'],
      [{ sequence: 'x' }, 'sequence', 'sequence: expected a whole number'],
    ];
    for (const [changes, field, message] of cases) {
      // The pension service's export has no municipality column (its provider is always jps).
      if (system === 'pension' && field === 'municipality_code') continue;
      expect(parseRow(system, withValues(system, changes), at)).toEqual({
        ok: false,
        error: { file: 'export.csv', line: 7, field, message },
      });
    }
  });

  it('refuses a birth date outside 1900-01-01 .. 2200-12-31, naming the field', () => {
    expect(parseRow('juki', withValues('juki', { date_of_birth: '1800-01-01' }), at)).toEqual({
      ok: false,
      error: {
        file: 'export.csv',
        line: 7,
        field: 'date_of_birth',
        message: 'date_of_birth: must lie between 1900-01-01 and 2200-12-31',
      },
    });
    expect(parseRow('juki', withValues('juki', { date_of_birth: '1900-01-01' }), at).ok).toBe(true);
  });

  it('never puts the My Number, or any value, into a message', () => {
    const broken = ['12345678901X', '123456789019', ' 123456789018', '1234567890189'];
    for (const system of EXPORT_SYSTEMS) {
      for (const myNumber of broken) {
        const result = parseRow(system, withValues(system, { my_number: myNumber, sequence: myNumber }), at);
        expect(result.ok).toBe(false);
        expect(JSON.stringify(result)).not.toMatch(/\d{11}/);
      }
      const badName = parseRow(system, withValues(system, { family_name_kana: '佐藤', status: '佐藤' }), at);
      if (!badName.ok) expect(badName.error.message).not.toContain('佐藤');
    }
  });

  it('reads the pension service’s rows as jps’s, and a disability certificate as its municipality’s', () => {
    const pension = parseRow('pension', SAMPLE_ROWS.pension, at);
    expect(pension).toMatchObject({
      ok: true,
      row: { system: 'pension', pension_kind: 'OLD_AGE_BASIC', annual_amount: 795000n },
    });
    const certificate = parseRow(
      'disability-certificate',
      { ...SAMPLE_ROWS['disability-certificate'], valid_until: '2020-01-01' },
      at,
    );
    expect(certificate).toEqual({
      ok: false,
      error: { file: 'export.csv', line: 7, field: 'valid_until', message: 'valid_until: before issued_on' },
    });
  });

  it('accepts JSON Lines numbers and null for an open end', () => {
    const raw = {
      ...SAMPLE_ROWS['child-allowance'],
      sequence: 5,
      monthly_amount: 25000,
      eligible_children: 2,
      valid_until: null,
    };
    expect(parseRow('child-allowance', raw, at)).toMatchObject({
      ok: true,
      row: { sequence: 5, monthly_amount: 25000n, eligible_children: 2, valid_until: null },
    });
  });

  it('accepts a withdrawal without payload columns but requires its reason', () => {
    const withdraw = {
      ...SAMPLE_ROWS['local-tax'],
      action: 'WITHDRAW',
      fiscal_year: '',
      withdraw_reason: 'reassessment',
    };
    expect(parseRow('local-tax', withdraw, at)).toMatchObject({ ok: true, row: { action: 'WITHDRAW' } });
    expect(parseRow('local-tax', { ...withdraw, withdraw_reason: '' }, at)).toMatchObject({
      ok: false,
      error: { field: 'withdraw_reason', message: 'withdraw_reason: missing' },
    });
    expect(parseRow('local-tax', { ...withdraw, action: 'DELETE' }, at)).toMatchObject({
      error: { field: 'action', message: 'action: expected PUBLISH or WITHDRAW' },
    });
    expect(parseRow('local-tax', { ...withdraw, action: '' }, at)).toMatchObject({
      error: { field: 'action', message: 'action: missing' },
    });
  });

  it('juki: checks the rules between columns', () => {
    const juki = (changes: Record<string, string>) => parseRow('juki', withValues('juki', changes), at);
    expect(juki({ change_type: 'MOVE_OUT' })).toMatchObject({
      error: {
        field: 'address_municipality_code',
        message: 'address_municipality_code: a MOVE_OUT goes elsewhere',
      },
    });
    expect(juki({ change_type: 'MOVE_OUT', address_municipality_code: '271004' }).ok).toBe(true);
    expect(juki({ address_municipality_code: '271004' })).toMatchObject({
      error: { field: 'address_municipality_code' },
    });
    expect(juki({ change_type: 'BIRTH' })).toMatchObject({ error: { field: 'effective_date' } });
    expect(juki({ date_of_birth: '2024-01-01' })).toMatchObject({
      error: { message: 'date_of_birth: after effective_date' },
    });
    expect(juki({ given_name_kana: 'hanako' })).toMatchObject({
      error: { message: 'given_name_kana: expected full-width katakana' },
    });
    expect(juki({ gender: 'F' })).toMatchObject({
      error: { message: 'gender: expected one of MALE, FEMALE, UNSPECIFIED' },
    });
  });

  it('reports a record that is not an object', () => {
    expect(parseRow('juki', [1, 2], at)).toEqual({
      ok: false,
      error: { ...at, field: '(row)', message: '(row): expected an object' },
    });
  });
});
