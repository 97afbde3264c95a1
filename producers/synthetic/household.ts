import { myNumberCheckDigit } from '../../identity/my-number.js';
import type { CARE_LEVELS } from '../../schemas/events.js';
import type { Municipality } from './municipalities.js';
import {
  FAMILY_NAMES,
  FEMALE_GIVEN_NAMES,
  type GivenName,
  MALE_GIVEN_NAMES,
  type NameReading,
} from './names.js';
import type { Prng } from './prng.js';

/** The generator's picture of a resident; only what the exports need. Dates are epoch days. */
export interface Person {
  myNumber: string;
  familyName: NameReading;
  givenName: GivenName;
  dateOfBirth: number;
  alive: boolean;
  /** Last Juki sequence issued; continues across municipalities. */
  jukiSequence: number;
  /** Last item sequence per `system:municipality`. */
  itemSequences: Map<string, number>;
  care?: { level: (typeof CARE_LEVELS)[number]; validUntil: number };
}

export interface Household {
  id: string;
  municipality: Municipality;
  street: string;
  /** The first living member is the head. */
  members: Person[];
  allowanceReceiving: boolean;
  assistanceSince?: number;
}

export const DAYS_PER_YEAR = 365.2425;
export const ageOn = (person: Person, day: number): number =>
  Math.floor((day - person.dateOfBirth) / DAYS_PER_YEAR);

export const head = (household: Household): Person | undefined => household.members.find((m) => m.alive);

/**
 * Distinct My Numbers without remembering the ones issued: body i is (offset + i × stride)
 * mod 10^11, and a stride coprime to 10^11 visits every body once. Synthetic: never pair
 * them with real personal data.
 */
export function myNumberIssuer(prng: Prng): () => string {
  const offset = prng.int(0, 99_999_999_999);
  const stride = 387_420_489; // 3^18: odd and not a multiple of 5
  let issued = 0;
  return () => {
    const body = String((offset + issued++ * stride) % 100_000_000_000).padStart(11, '0');
    return `${body}${myNumberCheckDigit(body)}`;
  };
}

export function streetIn(municipality: Municipality, prng: Prng): string {
  return `${prng.pick(municipality.towns)}${prng.int(1, 9)}-${prng.int(1, 30)}-${prng.int(1, 20)}`;
}

export interface PersonFactory {
  person(familyName: NameReading, gender: 'MALE' | 'FEMALE', dateOfBirth: number): Person;
  familyName(): NameReading;
}

export function personFactory(prng: Prng, nextMyNumber: () => string): PersonFactory {
  return {
    familyName: () => prng.pick(FAMILY_NAMES),
    person: (familyName, gender, dateOfBirth) => ({
      myNumber: nextMyNumber(),
      familyName,
      givenName: prng.pick(gender === 'MALE' ? MALE_GIVEN_NAMES : FEMALE_GIVEN_NAMES),
      dateOfBirth,
      alive: true,
      jukiSequence: 0,
      itemSequences: new Map(),
    }),
  };
}

/** A household of 1–5: a single person, a couple, a couple with children, or an elderly household. */
export function newHousehold(
  id: string,
  municipality: Municipality,
  today: number,
  prng: Prng,
  people: PersonFactory,
): Household {
  const family = people.familyName();
  const shape = prng.next();
  const headAge = shape < 0.1 ? prng.int(65, 92) : prng.int(20, 64);
  const born = (age: number) => today - Math.floor((age + prng.next()) * DAYS_PER_YEAR);
  const headGender = prng.chance(0.5) ? 'MALE' : 'FEMALE';
  const members = [people.person(family, headGender, born(headAge))];
  if (shape >= 0.3 && headAge >= 22) {
    const spouseAge = Math.max(20, headAge + prng.int(-6, 6));
    members.push(people.person(family, headGender === 'MALE' ? 'FEMALE' : 'MALE', born(spouseAge)));
    if (shape >= 0.55 && headAge >= 24 && headAge < 65) {
      const children = prng.int(1, 3);
      for (let i = 0; i < children; i++) {
        const age = prng.int(0, Math.min(headAge - 22, 20));
        members.push(people.person(family, prng.chance(0.5) ? 'MALE' : 'FEMALE', born(age)));
      }
    }
  }
  return { id, municipality, street: streetIn(municipality, prng), members, allowanceReceiving: false };
}
