/**
 * The one range every date and instant Tsunagi accepts must lie in, at every entry point (gateway
 * bodies, export rows, the legal-basis table, event schemas). Topics are kept forever and read by
 * consumers in other languages whose date types stop somewhere (year 0 is out of range for many):
 * a value outside this range must never be encoded, so it is refused where it enters, naming the field.
 */
export const DATE_BOUNDS = { earliest: '1900-01-01', latest: '2200-12-31' } as const;

/** Appended to a field name in errors, e.g. `body.validFrom: must lie between 1900-01-01 and 2200-12-31`. */
export const DATE_BOUNDS_MESSAGE = `must lie between ${DATE_BOUNDS.earliest} and ${DATE_BOUNDS.latest}`;

const EARLIEST_MS = Date.parse(`${DATE_BOUNDS.earliest}T00:00:00.000Z`);
/** Exclusive: the first instant after the last day (UTC). */
const END_MS = Date.parse(`${DATE_BOUNDS.latest}T00:00:00.000Z`) + 86_400_000;

/** For `YYYY-MM-DD` strings already known to be calendar dates (four-digit years compare as text). */
export const isDateInBounds = (date: string): boolean =>
  date >= DATE_BOUNDS.earliest && date <= DATE_BOUNDS.latest;

/** An instant from 1900-01-01T00:00:00Z up to the end of 2200-12-31 (UTC). */
export const isInstantInBounds = (instant: Date): boolean => {
  const ms = instant.getTime();
  return ms >= EARLIEST_MS && ms < END_MS;
};
