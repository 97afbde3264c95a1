import { z } from 'zod';
import { DATE_BOUNDS_MESSAGE, isDateInBounds } from '../../core/dates.js';
import { checkMyNumber, type MyNumber, type MyNumberProblem } from '../../identity/my-number.js';
import { isCalendarDate, MAX_YEN } from '../../schemas/primitives.js';
import { municipalityCodeProblem } from './municipality-code.js';

/**
 * Column schemas shared by the export rows. CSV gives every value as a string (an empty
 * cell is "absent"); JSON Lines may give numbers and null. Every message says what is wrong
 * and never repeats the value: the value may be a My Number or other personal data.
 */
const absent = (value: unknown): unknown => (value === '' || value === null ? undefined : value);

const expecting = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'missing' : `expected ${what}`),
});

export const text = (max: number) =>
  z.preprocess(absent, z.string(expecting('text')).max(max, `longer than ${max} characters`));

export const optionalText = (max: number) => z.preprocess(absent, text(max).optional());

export const calendarDate = z.preprocess(
  absent,
  z
    .string(expecting('a date YYYY-MM-DD'))
    .refine(isCalendarDate, { error: 'not a calendar date YYYY-MM-DD', abort: true })
    .refine(isDateInBounds, DATE_BOUNDS_MESSAGE),
);

/** An empty cell means "open-ended"; becomes null. */
export const optionalDate = z.preprocess(absent, calendarDate.optional()).transform((value) => value ?? null);

const MY_NUMBER_PROBLEMS: Record<MyNumberProblem, string> = {
  WRONG_LENGTH: 'must be 12 digits',
  NOT_DIGITS: 'must be ASCII digits only',
  CHECK_DIGIT_MISMATCH: 'bad check digit',
};

export const myNumber = z.preprocess(
  absent,
  z
    .string(expecting('12 digits'))
    .superRefine((value, ctx) => {
      const checked = checkMyNumber(value);
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: MY_NUMBER_PROBLEMS[checked.reason] });
    })
    .transform((value) => value as MyNumber),
);

export const municipalityCode = z.preprocess(
  absent,
  z.string(expecting('a 6-digit municipality code')).superRefine((value, ctx) => {
    const problem = municipalityCodeProblem(value);
    if (problem === 'format')
      ctx.addIssue({ code: 'custom', message: 'expected a 6-digit municipality code' });
    if (problem === 'check digit') ctx.addIssue({ code: 'custom', message: 'bad municipality check digit' });
  }),
);

const toInteger = (value: unknown): unknown =>
  typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : absent(value);

/** A whole number in [min, max]; CSV digits or a JSON number. */
export const integer = (min: number, max: number) =>
  z.preprocess(
    toInteger,
    z
      .number(expecting('a whole number'))
      .int('expected a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`),
  );

/** Sequence numbers start at 1 in the exports. */
export const sequence = integer(1, Number.MAX_SAFE_INTEGER);

const toYen = (value: unknown): unknown => {
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return absent(value);
};

/** A non-negative yen amount of at most 15 digits (the events' decimal(15,0)). */
export const yen = z.preprocess(
  toYen,
  z.bigint(expecting('a whole yen amount of at most 15 digits')).max(MAX_YEN, 'more than 15 digits'),
);

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(absent, z.enum(values, expecting(`one of ${values.join(', ')}`)));
