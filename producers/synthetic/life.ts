import { epochDay, type LifeContext, type Schedule, type Year } from './context.js';
import { date, emitItem, emitJuki, emitPension } from './emit.js';
import { ageOn, type Household, head, type Person, streetIn } from './household.js';
import {
  assistanceYear,
  careYear,
  childAllowanceYear,
  disabilityYear,
  localTaxYear,
  pensionYear,
} from './items.js';
import { MUNICIPALITIES } from './municipalities.js';

/** Registers the household as of `day`: the initial load of a registry. */
export function register(household: Household, day: number, ctx: LifeContext): void {
  for (const member of household.members) emitJuki(ctx.sink, household, member, 'REGISTRATION', day);
}

/**
 * One calendar year of a household: what happens is drawn first, then applied in date
 * order, so each resident's rows come out in time order with increasing sequences and
 * nothing spills into the next year.
 */
export function liveYear(household: Household, year: number, ctx: LifeContext): void {
  const { prng, sink } = ctx;
  const first = epochDay(year);
  const last = epochDay(year + 1) - 1;
  const span: Year = { first, last, someDay: () => prng.int(first, last) };
  const happenings: { day: number; apply: (day: number) => void }[] = [];
  const at: Schedule = (day, apply) => happenings.push({ day, apply });

  for (const person of household.members) {
    if (!person.alive) continue;
    const age = ageOn(person, first);
    if (age >= 60 && prng.chance(Math.min(0.3, 0.005 * 1.1 ** (age - 60)))) {
      at(span.someDay(), (day) => die(household, person, day, ctx));
    } else if (age >= 20 && prng.chance(0.01)) {
      at(span.someDay(), (day) => changeName(household, person, day, ctx));
    } else if (prng.chance(0.005)) {
      at(span.someDay(), (day) => person.alive && emitJuki(sink, household, person, 'CORRECTION', day));
    }
  }
  const mother = household.members.find((m) => m.alive && m.givenName.gender === 'FEMALE');
  const motherAge = mother ? ageOn(mother, first) : 0;
  if (mother && motherAge >= 22 && motherAge <= 42 && household.members.length >= 2 && prng.chance(0.12)) {
    at(span.someDay(), (day) => mother.alive && giveBirth(household, mother, day, ctx));
  }
  if (prng.chance(0.04)) {
    at(span.someDay(), (day) => move(household, day, Math.min(last, day + prng.int(0, 14)), ctx));
  } else if (prng.chance(0.03)) {
    at(span.someDay(), (day) => {
      household.street = streetIn(household.municipality, prng);
      for (const m of household.members) if (m.alive) emitJuki(sink, household, m, 'ADDRESS_CHANGE', day);
    });
  }
  localTaxYear(household, year, at, ctx);
  childAllowanceYear(household, year, at, ctx);
  careYear(household, span, at, ctx);
  assistanceYear(household, span, at, ctx);
  pensionYear(household, year, at, ctx);
  disabilityYear(household, span, at, ctx);

  // Array.prototype.sort is stable: same-day happenings keep the order they were drawn in.
  happenings.sort((a, b) => a.day - b.day);
  for (const happening of happenings) happening.apply(happening.day);
}

function die(household: Household, person: Person, day: number, ctx: LifeContext): void {
  if (!person.alive) return;
  emitJuki(ctx.sink, household, person, 'DEATH', day);
  person.alive = false;
  if (person.care) {
    emitItem(ctx.sink, 'nursing-care', person, household.municipality.code, day, 'death');
    person.care = undefined;
  }
  if (person.itemSequences.has('pension:jps')) emitPension(ctx.sink, person, day, 'death');
}

function changeName(household: Household, person: Person, day: number, ctx: LifeContext): void {
  if (!person.alive) return;
  person.familyName = ctx.people.familyName();
  emitJuki(ctx.sink, household, person, 'NAME_CHANGE', day);
}

function giveBirth(household: Household, mother: Person, day: number, ctx: LifeContext): void {
  const child = ctx.people.person(mother.familyName, ctx.prng.chance(0.5) ? 'MALE' : 'FEMALE', day);
  household.members.push(child);
  emitJuki(ctx.sink, household, child, 'BIRTH', day);
}

/** Move-out in the old municipality (address = destination), move-in in the new one on `arrival`. */
function move(household: Household, day: number, arrival: number, ctx: LifeContext): void {
  const { sink, prng } = ctx;
  const from = household.municipality;
  const to = prng.pick(MUNICIPALITIES.filter((m) => m.code !== from.code));
  const destination = { municipality: to, street: streetIn(to, prng) };
  const living = household.members.filter((m) => m.alive);
  if (living.length === 0) return;
  for (const m of living) emitJuki(sink, household, m, 'MOVE_OUT', day, destination);
  const leader = head(household);
  if (leader && household.allowanceReceiving) {
    emitItem(sink, 'child-allowance', leader, from.code, day, 'moved out');
    household.allowanceReceiving = false;
  }
  if (leader && household.assistanceSince !== undefined) {
    emitItem(sink, 'public-assistance', leader, from.code, day, { status: 'DISCONTINUED', since: date(day) });
    household.assistanceSince = undefined;
  }
  for (const m of living) if (m.care) emitItem(sink, 'nursing-care', m, from.code, day, 'moved out');

  household.municipality = to;
  household.street = destination.street;
  household.id = ctx.newHouseholdId(to.code);
  for (const m of living) emitJuki(sink, household, m, 'MOVE_IN', arrival);
  for (const m of living) {
    if (!m.care) continue;
    // The certification moves with the resident: same level, new insurer, same end date.
    m.care.validUntil = Math.max(arrival, m.care.validUntil);
    emitItem(sink, 'nursing-care', m, to.code, arrival, {
      care_level: m.care.level,
      certified_on: date(arrival),
      valid_until: date(m.care.validUntil),
    });
  }
}
