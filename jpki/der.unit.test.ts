import { describe, expect, it } from 'vitest';
import { isStrictDer } from './der.js';

const der = (hex: string) => Buffer.from(hex.replace(/\s/g, ''), 'hex');

describe('isStrictDer', () => {
  it('accepts nested elements that fill their parents exactly, in short and long length forms', () => {
    expect(isStrictDer(der('30 06 02 01 05 04 01 ff'))).toBe(true);
    expect(isStrictDer(der(`30 81 83 04 81 80 ${'00'.repeat(128)}`))).toBe(true);
    expect(isStrictDer(der('a0 03 02 01 02'))).toBe(true);
  });

  it('refuses a length longer or shorter than the contents, and bytes after the end', () => {
    expect(isStrictDer(der('30 07 02 01 05 04 01 ff'))).toBe(false);
    expect(isStrictDer(der('30 05 02 01 05 04 01 ff'))).toBe(false);
    expect(isStrictDer(der('30 06 02 01 05 04 02 ff'))).toBe(false);
    expect(isStrictDer(der('02 01 05 00'))).toBe(false);
  });

  it('refuses BER-only forms: indefinite and non-minimal lengths', () => {
    expect(isStrictDer(der('30 80 02 01 05 00 00'))).toBe(false);
    expect(isStrictDer(der('30 81 03 02 01 05'))).toBe(false);
    expect(isStrictDer(der('30 82 00 83 04 81 80'))).toBe(false);
  });

  it('refuses empty and truncated input', () => {
    expect(isStrictDer(new Uint8Array())).toBe(false);
    expect(isStrictDer(der('30'))).toBe(false);
    expect(isStrictDer(der('30 82 01'))).toBe(false);
  });
});
