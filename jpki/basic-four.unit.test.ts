import { beforeAll, describe, expect, it } from 'vitest';
import { type BasicFour, compareBasicFour, extractBasicFour } from './basic-four.js';
import { createTestPki, type TestPki } from './testing/pki/index.js';

const taro: BasicFour = {
  name: '山田 太郎',
  address: '東京都千代田区千代田1-1-1',
  dateOfBirth: '1980-01-02',
  gender: '1',
};
let pki: TestPki;

beforeAll(async () => {
  pki = await createTestPki({ now: new Date('2026-04-01T00:00:00Z') });
});

describe('extractBasicFour', () => {
  it('reads name, address, date of birth and gender from a signing certificate', async () => {
    const signing = await pki.issueSigning(taro);
    expect(extractBasicFour(signing.der)).toEqual({ ok: true, basicFour: taro });
  });

  it('refuses a user-identification certificate, which carries no personal data', async () => {
    const card = await pki.issueUserIdentification();
    expect(extractBasicFour(card.der)).toEqual({
      ok: false,
      reason: 'BASIC_FOUR_MISSING',
      detail: 'missing or invalid: name,address,dateOfBirth,gender',
    });
  });

  it('refuses bytes that are not a certificate', () => {
    expect(extractBasicFour(new Uint8Array([0x30, 0x00]))).toMatchObject({ ok: false, reason: 'MALFORMED' });
  });

  it('names the invalid field, never its value', async () => {
    const signing = await pki.issueSigning({ ...taro, dateOfBirth: '1980-02-30' });
    const result = extractBasicFour(signing.der);
    expect(result).toEqual({
      ok: false,
      reason: 'BASIC_FOUR_MISSING',
      detail: 'missing or invalid: dateOfBirth',
    });
    expect(JSON.stringify(result)).not.toContain('1980');
  });
});

describe('compareBasicFour', () => {
  it('sees no change when only widths and spaces differ', () => {
    const record = { ...taro, name: '山田\u3000太郎', address: '東京都千代田区千代田１ー１ー１' };
    expect(compareBasicFour(taro, record)).toEqual({ changed: false, fields: [] });
  });

  it('lists the changed fields by name only', () => {
    const moved = { ...taro, address: '大阪府大阪市北区1-1', name: '山田 花子' };
    const comparison = compareBasicFour(taro, moved);
    expect(comparison).toEqual({ changed: true, fields: ['name', 'address'] });
    expect(JSON.stringify(comparison)).not.toMatch(/山田|大阪|東京/);
  });
});
