import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { testMyNumber } from '../identity/test-my-numbers.js';
import { deadLetterEvent, maskMyNumbers } from './dead-letter.js';

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
  const input = {
    source: 'juki.csv:17',
    reason: 'myNumber: bad check digit',
    errorCode: 'MY_NUMBER_INVALID' as const,
    originalBytes: Buffer.from(`${myNumber},山田\n`),
  };

  it('carries the reason, source and masked original bytes', () => {
    const event = deadLetterEvent(input, 'producer-juki', clock);
    expect(event.data.source).toBe('juki.csv:17');
    expect(event.data.reason).toBe('myNumber: bad check digit');
    expect(Buffer.from(event.data.originalBytes).toString()).toBe(`${'*'.repeat(12)},山田\n`);
  });

  it('gives the same id to the same rejected line, and another to another line', () => {
    const a = deadLetterEvent(input, 'p', clock).envelope.eventId;
    expect(deadLetterEvent(input, 'p', fixedClock('2030-01-01T00:00:00Z')).envelope.eventId).toBe(a);
    expect(deadLetterEvent({ ...input, source: 'juki.csv:18' }, 'p', clock).envelope.eventId).not.toBe(a);
  });
});
