import { describe, expect, it } from 'vitest';
import { TsunagiError } from '../core/errors.js';
import { checkMyNumber, myNumberCheckDigit, validateMyNumber } from './my-number.js';
import { testMyNumber, testMyNumbers } from './testing/my-numbers.js';

const caught = (fn: () => unknown): TsunagiError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof TsunagiError) return error;
    throw error;
  }
  throw new Error('expected a TsunagiError');
};

describe('My Number check digit (総務省令第85号 第5条)', () => {
  it.each([
    ['12345678901', 8], // weights 6,5,4,3,2,7,6,5,4,3,2 from the left: sum 212, remainder 3
    ['11111111111', 8], // sum 47, remainder 3
    ['00000000000', 0], // remainder 0
    ['00000000006', 0], // sum 12, remainder 1 → 0, not 10
    ['00000000011', 6], // sum 5, remainder 5
  ])('the body %s has check digit %i', (body, check) => {
    expect(myNumberCheckDigit(body)).toBe(check);
  });

  it('accepts valid numbers', () => {
    for (const valid of ['123456789018', '111111111118', '000000000060', '000000000116']) {
      expect(validateMyNumber(valid)).toBe(valid);
    }
  });

  it.each([
    ['123456789017', 'CHECK_DIGIT_MISMATCH'],
    ['123456789081', 'CHECK_DIGIT_MISMATCH'], // two digits swapped
    ['12345678901', 'WRONG_LENGTH'],
    ['1234567890180', 'WRONG_LENGTH'],
    ['1234-5678-9018', 'WRONG_LENGTH'],
    ['12345678901a', 'NOT_DIGITS'],
    ['１２３４５６７８９０１８', 'NOT_DIGITS'],
    [123456789018, 'WRONG_LENGTH'],
  ])('refuses %s as %s', (input, reason) => {
    expect(checkMyNumber(input)).toEqual({ ok: false, reason });
  });

  it('throws MY_NUMBER_INVALID without a single digit of the input in message or path', () => {
    for (const input of ['123456789017', '98765432101', '98765x432101']) {
      const error = caught(() => validateMyNumber(input));
      expect(error.code).toBe('MY_NUMBER_INVALID');
      expect(error.path).toBe('myNumber');
      expect(JSON.stringify(error.toJSON())).not.toMatch(/[0-9]/);
    }
    expect(caught(() => validateMyNumber('123456789017')).message).toBe(
      'the check digit of the My Number does not match',
    );
  });
});

describe('test My Numbers', () => {
  it('are valid and reproducible from the seed', () => {
    const numbers = testMyNumbers('seed-a', 50);
    expect(new Set(numbers).size).toBe(50);
    for (const n of numbers) expect(checkMyNumber(n).ok).toBe(true);
    expect(testMyNumbers('seed-a', 50)).toEqual(numbers);
    expect(testMyNumber('seed-b')).not.toBe(testMyNumber('seed-a'));
  });
});
