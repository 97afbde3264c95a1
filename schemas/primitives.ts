import { z } from 'zod';
import { DATE_BOUNDS_MESSAGE, isDateInBounds, isInstantInBounds } from '../core/dates.js';

/**
 * Value conventions shared by every event (see docs/events.md):
 * - instants are JS `Date` (Avro `timestamp-millis`);
 * - calendar dates are `YYYY-MM-DD` strings (Avro `date`): a date of birth has no time zone, and a
 *   `Date` at JST midnight would print as the previous day in UTC;
 * - yen amounts are `bigint` (Avro `decimal`, precision 15, scale 0): exact, and the type system
 *   keeps them apart from ordinary numbers;
 * - opaque bytes are `Uint8Array` (a Node `Buffer` is one).
 */

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a `YYYY-MM-DD` date, or undefined when it is not a real calendar date. */
export function calendarDateToEpochDays(date: string): number | undefined {
  const match = DATE_PATTERN.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    return undefined;
  }
  return ms / DAY_MS;
}

export function epochDaysToCalendarDate(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

export const isCalendarDate = (value: string): boolean => calendarDateToEpochDays(value) !== undefined;

/** A calendar date inside `DATE_BOUNDS` (core/dates.ts): the only dates an event may carry. */
export const isEncodableDate = (value: string): boolean => isCalendarDate(value) && isDateInBounds(value);

/** A valid instant inside `DATE_BOUNDS`: the only instants an event may carry. */
export const isEncodableInstant = (value: Date): boolean =>
  !Number.isNaN(value.getTime()) && isInstantInBounds(value);

/** Largest yen amount a `decimal(15, 0)` holds. */
export const MAX_YEN = 10n ** 15n - 1n;
export const isYen = (value: bigint): boolean => value >= -MAX_YEN && value <= MAX_YEN;

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const fromHex = (hex: string): Uint8Array => Buffer.from(hex, 'hex');

export const CalendarDate = z
  .string()
  .refine(isCalendarDate, { error: 'expected a calendar date YYYY-MM-DD', abort: true })
  .refine(isDateInBounds, DATE_BOUNDS_MESSAGE);

/** Local government code (全国地方公共団体コード), six digits including the check digit. */
export const MunicipalityCode = z.string().regex(/^\d{6}$/, 'expected a 6-digit municipality code');

/** An agency's id, e.g. `jps` (Japan Pension Service), `hello-work`. */
export const AgencyId = z.string().regex(/^[a-z][a-z0-9-]{1,31}$/, 'expected an agency id');

/** A provider or requester is a municipality (by its code) or an agency (by its id). */
export const PartyId = z.union([MunicipalityCode, AgencyId]);

/**
 * The hub's pseudonym for a resident. Never all digits, so a 12-digit My Number can never pass
 * for one (DESIGN.md §2.2).
 */
export const LinkageId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'expected a linkage id')
  .refine((value) => /\D/.test(value), 'a linkage id is never all digits');

/**
 * How instants, yen and bytes look in a given representation: the domain (Date, bigint,
 * Uint8Array) or JSON (ISO-8601 string, decimal string, hex string). The event schemas are built
 * once per representation so both stay the same shape.
 */
export interface Primitives {
  timestamp: z.ZodType<Date>;
  yen: z.ZodType<bigint>;
  bytes: z.ZodType<Uint8Array>;
}

const boundedInstant = z
  .date()
  .refine((d) => !Number.isNaN(d.getTime()), 'invalid date')
  .refine(isEncodableInstant, DATE_BOUNDS_MESSAGE);

export const domainPrimitives: Primitives = {
  timestamp: boundedInstant,
  yen: z.bigint().refine(isYen, 'yen amount exceeds 15 digits'),
  bytes: z.instanceof(Uint8Array),
};

export const jsonPrimitives: Primitives = {
  timestamp: z.iso
    .datetime({ offset: true })
    .transform((value) => new Date(value))
    .pipe(boundedInstant),
  yen: z
    .string()
    .regex(/^-?\d{1,15}$/, 'expected a yen amount as a decimal string')
    .transform((value) => BigInt(value)),
  bytes: z
    .string()
    .regex(/^(?:[0-9a-f]{2})*$/, 'expected lowercase hex')
    .transform(fromHex),
};
