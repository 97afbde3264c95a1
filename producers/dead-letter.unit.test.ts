import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { generateDevKeys } from '../identity/dev-keys.js';
import { parseKeyRing } from '../identity/keys.js';
import { testMyNumber } from '../identity/testing/my-numbers.js';
import { encodeEvent } from '../schemas/codec.js';
import { deadLetterEvent, maskMyNumbers, recoverOriginalBytes } from './dead-letter.js';

const myNumber = testMyNumber('dead-letter');

describe('masking My Numbers in rejected rows', () => {
  it('masks a plain, hyphenated, spaced or full-width number and keeps every other byte', () => {
    const grouped = `${myNumber.slice(0, 4)}-${myNumber.slice(4, 8)}-${myNumber.slice(8)}`;
    const fullWidth = [...myNumber].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
    const row = `${myNumber},山田 太郎,${grouped},${fullWidth},1969-02-30\n`;
    const masked = maskMyNumbers(Buffer.from(row, 'utf8')).toString('utf8');
    expect(masked).toBe(`${'*'.repeat(12)},山田 太郎,${'*'.repeat(14)},${'*'.repeat(12)},1969-02-30\n`);
  });

  it('leaves dates, codes and short numbers alone', () => {
    const row = 'juki,131016,1969-12-31,00042,2025\n';
    expect(maskMyNumbers(Buffer.from(row)).toString()).toBe(row);
  });

  it('masks bytes that are not UTF-8 without changing their length', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${myNumber},x`)]);
    const masked = maskMyNumbers(bytes);
    expect(masked.length).toBe(bytes.length);
    expect(masked.includes(Buffer.from(myNumber))).toBe(false);
    expect(masked.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]));
  });
});

describe('dead-letter events', () => {
  const clock = fixedClock('2026-11-23T00:00:00Z');
  const vaultKeys = parseKeyRing(generateDevKeys().TSUNAGI_VAULT_KEYS, 'TSUNAGI_VAULT_KEYS');
  const deps = { producer: 'producer-juki', clock, vaultKeys };
  const row = `${myNumber},山田,タロウ,1969-02-30,千代田1-1\n`;
  const input = {
    origin: { file: '/srv/hub/incoming/2026-11-23/juki.csv', line: 17 },
    field: 'date_of_birth',
    reason: 'date_of_birth: not a calendar date YYYY-MM-DD',
    errorCode: 'INPUT_INVALID' as const,
    originalBytes: Buffer.from(row),
  };

  it('carries the reason, field, line and the file base name, never the directory', () => {
    const { data } = deadLetterEvent(input, deps);
    expect(data).toMatchObject({
      source: 'juki.csv:17',
      file: 'juki.csv',
      line: 17,
      field: 'date_of_birth',
      reason: 'date_of_birth: not a calendar date YYYY-MM-DD',
    });
    expect(data.originalBytes).toHaveLength(0);
  });

  it('holds the row only sealed: no name, kana, date, address, My Number or path in its encoding', () => {
    const bytes = encodeEvent(deadLetterEvent(input, deps));
    for (const clear of [myNumber, '山田', 'タロウ', '1969-02-30', '千代田1-1', '/srv/hub', 'incoming'])
      expect(bytes.includes(Buffer.from(clear)), clear).toBe(false);
  });

  it('gives the row back, My Number masked, to whoever holds the vault key', () => {
    const letter = deadLetterEvent(input, deps);
    expect(recoverOriginalBytes(letter, vaultKeys).toString()).toBe(row.replace(myNumber, '*'.repeat(12)));
    expect(letter.data.sealedOriginal?.keyVersion).toBe(vaultKeys.current);
  });

  it('refuses another key, and a sealed body moved into another dead letter', () => {
    const letter = deadLetterEvent(input, deps);
    const otherKeys = parseKeyRing(generateDevKeys().TSUNAGI_VAULT_KEYS, 'TSUNAGI_VAULT_KEYS');
    expect(() => recoverOriginalBytes(letter, otherKeys)).toThrow(
      'a sealed dead letter failed authentication',
    );
    const other = deadLetterEvent({ ...input, origin: { file: 'juki.csv', line: 18 } }, deps);
    const moved = { ...other, data: { ...other.data, sealedOriginal: letter.data.sealedOriginal } };
    expect(() => recoverOriginalBytes(moved, vaultKeys)).toThrow(
      expect.objectContaining({ code: 'INTERNAL' }),
    );
  });

  it('opens letters sealed under an older vault key while that version is configured', () => {
    const rotated = generateDevKeys(2).TSUNAGI_VAULT_KEYS;
    const v1Only = parseKeyRing(rotated.split(',')[0] as string, 'TSUNAGI_VAULT_KEYS');
    const letter = deadLetterEvent(input, { ...deps, vaultKeys: v1Only });
    expect(recoverOriginalBytes(letter, parseKeyRing(rotated, 'TSUNAGI_VAULT_KEYS')).toString()).toContain(
      '山田',
    );
    const v2Only = parseKeyRing(`v2:${rotated.split(',')[1]?.slice(3)}`, 'TSUNAGI_VAULT_KEYS');
    expect(() => recoverOriginalBytes(letter, v2Only)).toThrow(
      expect.objectContaining({ code: 'KEY_VERSION_UNKNOWN' }),
    );
  });

  it('gives the same id to the same rejected line, another to another line or another content', () => {
    const a = deadLetterEvent(input, deps).envelope.eventId;
    expect(
      deadLetterEvent(input, { ...deps, clock: fixedClock('2030-01-01T00:00:00Z') }).envelope.eventId,
    ).toBe(a);
    expect(
      deadLetterEvent({ ...input, origin: { file: 'juki.csv', line: 18 } }, deps).envelope.eventId,
    ).not.toBe(a);
    // The same base name and line in next month's export is another row, so another letter.
    const nextMonth = { ...input, originalBytes: Buffer.from(row.replace('山田', '佐藤')) };
    expect(deadLetterEvent(nextMonth, deps).envelope.eventId).not.toBe(a);
  });

  it('keeps a non-file source as it is', () => {
    const letter = deadLetterEvent({ ...input, origin: { source: 'tsunagi.consents:2:1041' } }, deps);
    expect(letter.data).toMatchObject({ source: 'tsunagi.consents:2:1041', file: null, line: null });
  });
});
