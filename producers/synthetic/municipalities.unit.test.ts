import { describe, expect, it } from 'vitest';
import { isMunicipalityCode, municipalityCheckDigit } from '../exports/municipality-code.js';
import { MUNICIPALITIES } from './municipalities.js';
import { FAMILY_NAMES, GIVEN_NAMES } from './names.js';
import { createPrng } from './prng.js';

describe('reference data', () => {
  it('has real municipality codes with correct check digits', () => {
    expect(MUNICIPALITIES.length).toBeGreaterThanOrEqual(20);
    for (const m of MUNICIPALITIES) expect(isMunicipalityCode(m.code), m.code).toBe(true);
    expect(municipalityCheckDigit('13104')).toBe(1); // 新宿区 131041: remainder 0 gives 1
    expect(municipalityCheckDigit('13113')).toBe(0); // 渋谷区 131130: remainder 1 gives 0
    expect(isMunicipalityCode('131017')).toBe(false);
    expect(new Set(MUNICIPALITIES.map((m) => m.code)).size).toBe(MUNICIPALITIES.length);
  });

  it('has names with katakana readings', () => {
    expect(FAMILY_NAMES.length).toBeGreaterThanOrEqual(50);
    expect(GIVEN_NAMES.length).toBeGreaterThanOrEqual(50);
    for (const n of [...FAMILY_NAMES, ...GIVEN_NAMES]) expect(n.kana).toMatch(/^[\u30A0-\u30FF]+$/);
  });
});

describe('createPrng', () => {
  it('repeats per seed, and forks independent streams', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, createPrng(seed).next);
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    const prng = createPrng(1);
    const values = Array.from({ length: 1000 }, () => prng.int(3, 5));
    expect(new Set(values)).toEqual(new Set([3, 4, 5]));
    expect(createPrng(1).fork('a').next()).not.toBe(createPrng(1).fork('b').next());
  });
});
