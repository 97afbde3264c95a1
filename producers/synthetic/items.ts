import { CARE_LEVELS, DISABILITY_CERTIFICATE_KINDS } from '../../schemas/events.js';
import { epochDay, type LifeContext, type Schedule, type Year } from './context.js';
import { date, emitItem, emitPension } from './emit.js';
import { ageOn, type Household, head } from './household.js';

/**
 * Yearly item rows. Local tax is assessed in June for the previous year's income (the tax
 * is split 6:4 between municipality and prefecture); the child allowance status is renewed
 * with the June status report (現況届); care certifications last a year and are renewed.
 */
export function localTaxYear(household: Household, year: number, at: Schedule, ctx: LifeContext): void {
  const { prng, sink } = ctx;
  const assessed = epochDay(year, 6, 1) + prng.int(0, 20);
  for (const person of household.members) {
    const income = prng.chance(0.25) ? 0 : prng.int(5, 900) * 10_000;
    const reassess = prng.chance(0.01);
    at(assessed, (day) => {
      if (!person.alive || ageOn(person, epochDay(year)) < 18) return;
      const code = household.municipality.code;
      const tax = (share: number) => Math.floor((income * share) / 100) * 100;
      const payload = {
        fiscal_year: year,
        taxable_income: income,
        municipal_tax: tax(0.06),
        prefectural_tax: tax(0.04),
      };
      emitItem(sink, 'local-tax', person, code, day, payload);
      if (reassess) {
        emitItem(sink, 'local-tax', person, code, day, 'reassessment');
        emitItem(sink, 'local-tax', person, code, day, {
          ...payload,
          taxable_income: Math.floor(income * 0.9),
        });
      }
    });
  }
}

export function childAllowanceYear(household: Household, year: number, at: Schedule, ctx: LifeContext): void {
  at(epochDay(year, 6, 10), (day) => {
    const leader = head(household);
    if (!leader) return;
    const ages = household.members.filter((m) => m.alive && m !== leader).map((m) => ageOn(m, day));
    const eligible = ages.filter((age) => age < 15);
    const code = household.municipality.code;
    if (eligible.length > 0) {
      const monthly = eligible.reduce((sum, age) => sum + (age < 3 ? 15_000 : 10_000), 0);
      emitItem(ctx.sink, 'child-allowance', leader, code, day, {
        status: 'RECEIVING',
        monthly_amount: monthly,
        eligible_children: eligible.length,
        valid_from: date(epochDay(year, 6, 1)),
        valid_until: null,
      });
      household.allowanceReceiving = true;
    } else if (household.allowanceReceiving) {
      emitItem(ctx.sink, 'child-allowance', leader, code, day, {
        status: 'TERMINATED',
        monthly_amount: 0,
        eligible_children: 0,
        valid_from: date(epochDay(year, 6, 1)),
        valid_until: date(day),
      });
      household.allowanceReceiving = false;
    }
  });
}

export function careYear(household: Household, year: Year, at: Schedule, ctx: LifeContext): void {
  const { prng, sink } = ctx;
  for (const person of household.members) {
    if (!person.alive || ageOn(person, year.first) < 65) continue;
    const care = person.care;
    let day: number | undefined;
    if (care) day = care.validUntil + 1 <= year.last ? care.validUntil + 1 : undefined;
    else if (prng.chance(0.06)) day = year.someDay();
    if (day === undefined) continue;
    const worsens = prng.chance(0.4);
    const firstLevel = prng.int(0, 3);
    at(day, (d) => {
      // Skip when the person died or moved (a move re-issues the certification) since this was drawn.
      if (!person.alive || person.care !== care || (care && care.validUntil + 1 !== d)) return;
      const index = care ? CARE_LEVELS.indexOf(care.level) + (worsens ? 1 : 0) : firstLevel;
      const level = CARE_LEVELS[Math.min(CARE_LEVELS.length - 1, index)] ?? 'CARE_1';
      person.care = { level, validUntil: d + 364 };
      emitItem(sink, 'nursing-care', person, household.municipality.code, d, {
        care_level: level,
        certified_on: date(d),
        valid_until: date(person.care.validUntil),
      });
    });
  }
}

export function assistanceYear(household: Household, year: Year, at: Schedule, ctx: LifeContext): void {
  const { prng, sink } = ctx;
  const receiving = household.assistanceSince !== undefined;
  if (!prng.chance(receiving ? 0.15 : 0.01)) return;
  at(year.someDay(), (day) => {
    const leader = head(household);
    if (!leader || (household.assistanceSince !== undefined) !== receiving) return;
    const code = household.municipality.code;
    if (receiving) {
      emitItem(sink, 'public-assistance', leader, code, day, { status: 'DISCONTINUED', since: date(day) });
      household.assistanceSince = undefined;
    } else {
      emitItem(sink, 'public-assistance', leader, code, day, { status: 'RECEIVING', since: date(day) });
      household.assistanceSince = day;
    }
  });
}

/** The old-age basic pension from 65, paid in April for the fiscal year (about ¥800,000 a year). */
export function pensionYear(household: Household, year: number, at: Schedule, ctx: LifeContext): void {
  at(epochDay(year, 4, 15), (day) => {
    for (const person of household.members) {
      if (!person.alive || ageOn(person, day) < 65) continue;
      emitPension(ctx.sink, person, day, {
        pension_kind: 'OLD_AGE_BASIC',
        annual_amount: 780_000 + ctx.laterPrng.int(0, 20) * 1_000,
        fiscal_year: year,
      });
    }
  });
}

/** Now and then a certificate of disability; the mental-health one is valid two years. */
export function disabilityYear(household: Household, year: Year, at: Schedule, ctx: LifeContext): void {
  const { laterPrng: prng, sink } = ctx;
  for (const person of household.members) {
    if (!person.alive || !prng.chance(0.004)) continue;
    const kind = prng.pick(DISABILITY_CERTIFICATE_KINDS);
    const grade =
      kind === 'INTELLECTUAL' ? prng.pick(['A', 'B']) : String(prng.int(1, kind === 'PHYSICAL' ? 6 : 3));
    at(prng.int(year.first, year.last), (day) => {
      if (!person.alive) return;
      emitItem(sink, 'disability-certificate', person, household.municipality.code, day, {
        certificate_kind: kind,
        grade,
        issued_on: date(day),
        valid_until: kind === 'MENTAL_HEALTH' ? date(day + 730) : null,
      });
    });
  }
}
