import { TsunagiError } from '../core/errors.js';
import { type Result, refuse } from '../core/result.js';

/** A My Number (個人番号) whose check digit is right. Branded so unchecked strings cannot pass for one. */
export type MyNumber = string & { readonly __brand: 'MyNumber' };

export type MyNumberProblem = 'WRONG_LENGTH' | 'NOT_DIGITS' | 'CHECK_DIGIT_MISMATCH';

/**
 * The check digit of the ordinance (総務省令第85号 第5条): the first eleven digits weighted, from the
 * rightmost of them, by 2,3,4,5,6,7,2,3,4,5,6; remainder of the sum mod 11; 0 when the remainder is 0 or 1,
 * else 11 − remainder. `body` must be eleven ASCII digits.
 */
export function myNumberCheckDigit(body: string): number {
  if (!/^[0-9]{11}$/.test(body)) {
    throw new TsunagiError('MY_NUMBER_INVALID', 'the body of a My Number is eleven ASCII digits');
  }
  let sum = 0;
  for (let n = 1; n <= 11; n++) {
    const digit = body.charCodeAt(11 - n) - 48;
    const weight = n <= 6 ? n + 1 : n - 5;
    sum += digit * weight;
  }
  const remainder = sum % 11;
  return remainder <= 1 ? 0 : 11 - remainder;
}

/** Checks without throwing; the refusal names the problem, never the digits. */
export function checkMyNumber(input: unknown): Result<{ myNumber: MyNumber }, MyNumberProblem> {
  if (typeof input !== 'string' || input.length !== 12) return refuse('WRONG_LENGTH');
  if (!/^[0-9]{12}$/.test(input)) return refuse('NOT_DIGITS');
  if (myNumberCheckDigit(input.slice(0, 11)) !== input.charCodeAt(11) - 48)
    return refuse('CHECK_DIGIT_MISMATCH');
  return { ok: true, myNumber: input as MyNumber };
}

/** The fixed messages of each problem: none carries a digit of the input. */
export const MY_NUMBER_MESSAGES: Record<MyNumberProblem, string> = {
  WRONG_LENGTH: 'a My Number must be a string of exactly twelve digits',
  NOT_DIGITS: 'a My Number must contain ASCII digits only (no spaces, hyphens or full-width digits)',
  CHECK_DIGIT_MISMATCH: 'the check digit of the My Number does not match',
};

/**
 * Validates at the edge. Throws MY_NUMBER_INVALID; the message and `path` never carry any digit
 * of the input, so the error is safe to log and to return in a 4xx body.
 */
export function validateMyNumber(input: unknown, path = 'myNumber'): MyNumber {
  const checked = checkMyNumber(input);
  if (!checked.ok) throw new TsunagiError('MY_NUMBER_INVALID', MY_NUMBER_MESSAGES[checked.reason], { path });
  return checked.myNumber;
}
