import type { RowSink } from './emit.js';
import type { PersonFactory } from './household.js';
import type { Prng } from './prng.js';

/** What a simulated year needs: the seeded generator, people, the row sink and household ids. */
export interface LifeContext {
  prng: Prng;
  /**
   * The draws of the exports added later (pension, disability certificates): a stream of their own,
   * so a seed's first five exports stay byte for byte what they were.
   */
  laterPrng: Prng;
  people: PersonFactory;
  sink: RowSink;
  newHouseholdId: (municipalityCode: string) => string;
}

/** Something drawn for a year, applied later in date order. */
export type Schedule = (day: number, apply: (day: number) => void) => void;

export interface Year {
  first: number;
  /** Last day of the year (epoch days). */
  last: number;
  someDay: () => number;
}

export const epochDay = (year: number, month = 1, day = 1): number =>
  Date.UTC(year, month - 1, day) / 86_400_000;
